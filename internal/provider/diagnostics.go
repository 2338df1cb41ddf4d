package provider

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// The IMS actions the provider's calls need, as the IMS permissions
// reference (appendix "Image Sharing" and "Image Management") names them.
const (
	permissionGet   = "ims:images:get"
	permissionShare = "ims:images:share"
	permissionList  = "ims:images:list"
)

// operation says what a call was being made for, so that its diagnostic
// names the operation, the setting that bounds it and the permission it
// needs. Every type builds its operations with the constructors below.
type operation struct {
	// name is what was being done: read, create, update, delete, list or
	// accept.
	name string
	// subject is the Terraform type, e.g. "ims_image_share", or "the
	// ims_image_members data source".
	subject string
	// timeout is the operation's limit; timeoutHint is how to raise it,
	// e.g. `timeouts { create = "..." }`.
	timeout     time.Duration
	timeoutHint string
	// permissions are the IMS actions the operation needs.
	permissions []string
	// write marks an operation whose calls change something.
	write bool
	// recipient marks an operation of the recipient's side (the
	// accepter), whose advice is not the owner's.
	recipient bool
}

// dataSourceRead is the read of a data source, bounded by its timeouts.read.
func dataSourceRead(spec *typeSpec, timeout time.Duration) operation {
	return operation{name: "read", subject: "the " + spec.name + " data source", timeout: timeout,
		timeoutHint: fmt.Sprintf(`timeouts.read = %s; raise timeouts { read = "..." } on the data source`, timeout),
		permissions: spec.readPermissions}
}

// resourceOp is an operation of a resource: reads have their fixed limit,
// the others their timeouts block's attribute.
func resourceOp(spec *typeSpec, name string, timeout time.Duration) operation {
	typeName := spec.name
	op := operation{name: name, subject: typeName, timeout: timeout, permissions: spec.readPermissions, recipient: spec.recipient}
	switch name {
	case "read":
		op.timeoutHint = fmt.Sprintf("a refresh of %s is bounded by %s", typeName, timeout)
	default:
		attr := name
		if name == "accept" {
			attr = "create"
		}
		op.write = true
		op.permissions = append([]string{permissionShare}, spec.readPermissions...)
		op.timeoutHint = fmt.Sprintf(`timeouts.%s = %s; raise timeouts { %s = "..." } on %s`, attr, timeout, attr, typeName)
	}
	return op
}

// listOp is a terraform query list of typeName, bounded by its timeout.
func listOp(spec *typeSpec, timeout time.Duration) operation {
	return operation{name: "list", subject: "the " + spec.name + " list resource", timeout: timeout,
		timeoutHint: fmt.Sprintf(`timeout = %s; raise timeout = "..." in the list block's config`, timeout),
		permissions: []string{permissionList, permissionGet}}
}

// failedCall is what a diagnostic may mention about a failed call.
type failedCall struct {
	op      operation
	imageID string
	target
	maxRetries int
}

// callDiagnostic turns any error of a call into one diagnostic that says
// which operation failed, what IMS answered (code, message, request or
// job id) and what to do.
func callDiagnostic(err error, fc failedCall) diag.Diagnostic {
	if err == nil {
		return diag.NewErrorDiagnostic(fmt.Sprintf("The %s of %s failed", fc.op.name, fc.op.subject),
			"The provider lost the cause of this failure. This is a provider bug: please report it.")
	}
	var apiErr *ims.APIError
	var decErr *ims.DecodeError
	var reqErr *ims.RequestError
	var pageErr *ims.PagingError
	var imgPageErr *ims.ImagePagingError
	var jobErr *ims.JobError
	var unfinished *ims.JobUnfinishedError
	var statusErr *ims.JobStatusError
	var jobReadErr *ims.JobReadError
	var exists *imageExistsError
	where := fc.where()
	switch {
	case errors.As(err, &exists):
		return diag.NewAttributeErrorDiagnostic(path.Root("image_id"), "IMS endpoint answered 404 for an image that exists",
			fmt.Sprintf("The %s of %s on %s: %s. The image list of project %s shows that image %s exists, so this 404 was not IMS's "+
				"answer for it: something else answered, such as a proxy or an endpoint with a path. Check endpoint %s (the base URL, "+
				"without a path) and HTTPS_PROXY/NO_PROXY. Nothing was decided from this answer.", fc.op.name, fc.op.subject, where,
				exists.Error(), fc.projectID, exists.imageID, fc.endpoint))
	case errors.As(err, &jobErr):
		return diag.NewErrorDiagnostic("IMS sharing job failed",
			fmt.Sprintf("The %s of %s on %s failed in IMS: %s.\n\n%sFix the cause and apply again.",
				fc.op.name, fc.op.subject, where, jobErr.Error(), withBlank(shareCodeAdvice(jobErr.Job.ErrorCode))))
	case errors.As(err, &unfinished) && unfinished.Interrupted():
		return diag.NewErrorDiagnostic("Interrupted while waiting for an IMS sharing job",
			fmt.Sprintf("The %s of %s on %s was interrupted: %s. IMS goes on with a job it has accepted, so the change may still "+
				"happen.", fc.op.name, fc.op.subject, where, unfinished.Error()))
	case errors.As(err, &unfinished):
		return diag.NewErrorDiagnostic("Timed out waiting for an IMS sharing job",
			fmt.Sprintf("The %s of %s on %s: %s (%s). The change may still complete in IMS. Raise the timeout if IMS is slow.", fc.op.name, fc.op.subject, where, unfinished.Error(), fc.op.timeoutHint))
	case errors.As(err, &statusErr):
		return diag.NewErrorDiagnostic("IMS sharing job in an unknown state",
			fmt.Sprintf("The %s of %s on %s stopped waiting: %s. The provider does not guess what such a job did. Report the job id to Huawei Cloud support if it persists.", fc.op.name, fc.op.subject, where, statusErr.Error()))
	case errors.As(err, &jobReadErr):
		return diag.NewErrorDiagnostic("Could not read an IMS sharing job",
			fmt.Sprintf("The %s of %s on %s could not follow its job: %s. What the job did is not known from it. %s", fc.op.name, fc.op.subject, where,
				jobReadErr.Error(), jobReadAdvice(jobReadErr, fc.endpoint)))
	case errors.As(err, &apiErr):
		return apiDiagnostic(apiErr, fc)
	case errors.As(err, &decErr):
		return diag.NewErrorDiagnostic("IMS returned an unreadable response",
			fmt.Sprintf("The %s of %s on %s: %s\n\nSomething between the provider and IMS (a proxy, a captive portal, the wrong endpoint %s) may be answering "+
				"instead of IMS. Check endpoint and HTTPS_PROXY; if it persists, report the request id to Huawei Cloud support.", fc.op.name, fc.op.subject, where, decErr.Error(), fc.endpoint))
	case errors.As(err, &reqErr):
		switch {
		case reqErr.Timeout():
			summary := "Timed out reading image members"
			if fc.op.name != "read" {
				summary = fmt.Sprintf("Timed out during the %s of %s", fc.op.name, fc.op.subject)
			}
			return diag.NewErrorDiagnostic(summary,
				fmt.Sprintf("%s.\n\nThe %s's time limit (%s) ran out. IMS at %s is slow or unreachable; lower request_timeout so that a "+
					"stalled attempt is retried sooner.", reqErr.Error(), fc.op.name, fc.op.timeoutHint, fc.endpoint))
		case reqErr.TLS():
			return diag.NewErrorDiagnostic("TLS certificate of IMS not trusted",
				fmt.Sprintf("The %s of %s: %s.\n\nIf a corporate proxy re-signs TLS, add its CA with cacert_file (HW_CACERT_FILE); insecure = true "+
					"(HW_INSECURE) skips verification but exposes your credentials to anyone in the middle.", fc.op.name, fc.op.subject, reqErr.Error()))
		default:
			return diag.NewErrorDiagnostic("Could not reach IMS",
				fmt.Sprintf("The %s of %s: %s.\n\nCheck that endpoint %s is right for region %s, that this machine can reach it, and HTTPS_PROXY/NO_PROXY. %s",
					fc.op.name, fc.op.subject, reqErr.Error(), fc.endpoint, fc.region, fc.retries(reqErr.Attempts, reqErr.Write())))
		}
	case errors.As(err, &pageErr):
		return diag.NewErrorDiagnostic("IMS paging failed",
			pageErr.Error()+".\n\nThis is an IMS fault; try again, and report it to Huawei Cloud support if it persists.")
	case errors.As(err, &imgPageErr):
		return diag.NewErrorDiagnostic("IMS paging failed",
			fmt.Sprintf("The %s of %s: %s.\n\nThis is an IMS fault; try again, and report it to Huawei Cloud support if it persists.", fc.op.name, fc.op.subject, imgPageErr.Error()))
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("The %s of %s failed", fc.op.name, fc.op.subject), err.Error())
}

// regionFromStateDiagnostics replaces a region conflict's advice for a
// region that state recorded: there is no region argument to remove.
func regionFromStateDiagnostics(region string, s settings, diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range diags {
		if d.Summary() == "Region conflicts with the provider's endpoint" {
			d = diag.NewAttributeErrorDiagnostic(path.Root("region"), d.Summary(),
				fmt.Sprintf("State records this resource in region %q (from the apply that created or imported it), but the provider "+
					"now has an explicit endpoint (%s) for region %q, and one endpoint serves one region. Use a provider alias configured "+
					"for %q for this resource, or, if the sharing should no longer be managed here, remove it from state (a removed block "+
					"with lifecycle { destroy = false }).", region, displayValue(s.endpoint), s.region, region))
		}
		out.Append(d)
	}
	return out
}

// where names the image, project and region of a call.
func (fc failedCall) where() string {
	if fc.imageID == "" {
		return fmt.Sprintf("project %s (region %s)", fc.projectID, fc.region)
	}
	return fmt.Sprintf("image %s (project %s, region %s)", fc.imageID, fc.projectID, fc.region)
}

// retries says how often a request was sent and why not more: a write
// (POST, PUT, DELETE) and a read (the read-back after a write, too) are
// retried differently.
func (fc failedCall) retries(attempts int, write bool) string {
	attempts = max(attempts, 1)
	if write {
		return fmt.Sprintf("The write was sent %d time%s: a write is retried only when IMS certainly did not act on it (429, 503, "+
			"or no connection), so that it is never repeated.", attempts, plural(attempts))
	}
	return fmt.Sprintf("Failed attempts are retried up to max_retries (%d) times; this request was sent %d time%s.", fc.maxRetries, attempts, plural(attempts))
}

// jobReadAdvice is what to do about a job that could not be read: a job
// IMS does not know may be a wrong endpoint's answer.
func jobReadAdvice(e *ims.JobReadError, endpoint string) string {
	if e.NotFound() {
		return fmt.Sprintf("A job that IMS just started and then does not know points at something else answering: check endpoint %s "+
			"and HTTPS_PROXY, then apply again.", endpoint)
	}
	return "Apply again; if it persists, report the job id to Huawei Cloud support."
}

// apiDiagnostic is the diagnostic of an HTTP error answer.
func apiDiagnostic(e *ims.APIError, fc failedCall) diag.Diagnostic {
	if advice := shareCodeAdvice(e.Code); advice != "" && fc.op.write && e.Write() {
		return diag.NewAttributeErrorDiagnostic(path.Root("image_id"), "IMS refused to change the sharing of the image",
			fmt.Sprintf("The %s of %s on %s: %s\n\n%s", fc.op.name, fc.op.subject, fc.where(), e.Error(), advice))
	}
	summary, hint := apiErrorAdvice(e, fc)
	detail := fmt.Sprintf("%s\n\n%s", e.Error(), hint)
	if fc.op.subject != "" {
		detail = fmt.Sprintf("The %s of %s: %s", fc.op.name, fc.op.subject, detail)
	}
	if e.Missing() && !e.Gateway() {
		return diag.NewAttributeErrorDiagnostic(path.Root("image_id"), summary, detail)
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// apiErrorAdvice is the summary and the hint for an HTTP error status.
func apiErrorAdvice(e *ims.APIError, fc failedCall) (string, string) {
	switch {
	case e.Unauthorized():
		return "IMS rejected the credentials",
			"Check access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), or token (HW_AUTH_TOKEN): they may be wrong, deleted or expired, " +
				"and temporary keys need their security_token (HW_SECURITY_TOKEN). A signature is valid for 15 minutes only, so also " +
				"check that this machine's clock is right (NTP)."
	case e.Forbidden():
		return "Permission denied by IMS",
			fmt.Sprintf("The %s needs the IMS permission%s %s on project %s (for example the IMS FullAccess policy for writes, ReadOnlyAccess for "+
				"reads), and project_id must be the project of region %s that owns the image.%s", fc.op.name, plural(len(fc.op.permissions)),
				strings.Join(fc.op.permissions, " and "), fc.projectID, fc.region, sharedQueryAdvice(fc.op))
	case e.Code == ims.CodeImageNotFound && fc.op.recipient:
		return "Image not found",
			fmt.Sprintf("No image %s is shared with project %s in region %s (IMG.0027: the image ID does not exist for this project). "+
				"Check image_id and region, and that the owner shared the image with this project.", fc.imageID, fc.projectID, fc.region)
	case fc.op.recipient && e.Forbidden():
		return "Permission denied by IMS",
			fmt.Sprintf("The %s needs the IMS permissions %s on project %s, the recipient's project of region %s (project_id, or the "+
				"credentials' project).", fc.op.name, strings.Join(fc.op.permissions, " and "), fc.projectID, fc.region)
	case e.Gateway() && e.Missing():
		return "IMS endpoint does not serve this API",
			fmt.Sprintf("The API gateway at %s knows no API at %s (%s). The endpoint is probably mistyped: it is the base URL, such as "+
				"https://ims.%s.myhuaweicloud.com, without a path. Nothing was decided from this answer.", fc.endpoint, e.Path, e.Code, fc.region)
	case e.Missing() || e.Code == ims.CodeImageNotFound:
		return "Image not found",
			fmt.Sprintf("No image %s in project %s of region %s. Check image_id and region: members can be listed only by the project "+
				"that owns the image, not by the projects it is shared with.", fc.imageID, fc.projectID, fc.region)
	case e.BadRequest() && fc.op.write:
		return "IMS refused the request",
			fmt.Sprintf("IMS refused the %s (%s). %s", fc.op.name, codeOrNone(e.Code), unlistedCode(e.Code))
	case e.BadRequest():
		return "IMS rejected the request",
			"The request was malformed in IMS's view. Check image_id; if it is right, this is a provider bug: report it with the request id."
	case e.Throttled():
		return "IMS is throttling requests",
			fmt.Sprintf("%s Lower terraform -parallelism, raise max_retries, or try again later.", fc.retries(e.Attempts, e.Write()))
	case e.ServerError():
		return "IMS is unavailable",
			fmt.Sprintf("IMS answered with a server error. %s Try again later, raise max_retries, or report the request id to Huawei Cloud support.",
				fc.retries(e.Attempts, e.Write()))
	}
	return "Unexpected answer from IMS", "Report the request id to Huawei Cloud support if this persists."
}

// sharedQueryAdvice is what IMS's permissions reference says of listing
// shared images, for an operation that lists images: its Image Management
// table notes of GET /v2/cloudimages "Shared image query is only supported
// in IAM projects" (a later edition: "For shared images, enterprise
// projects are not supported").
func sharedQueryAdvice(op operation) string {
	if !slices.Contains(op.permissions, permissionList) {
		return ""
	}
	return fmt.Sprintf(" IMS's permissions reference notes that shared image query is only supported in IAM projects: a user authorized "+
		"by enterprise project only cannot list shared images, so grant %s on the IAM project itself.", permissionList)
}

func codeOrNone(code string) string {
	if code == "" {
		return "no error code"
	}
	return "error " + code
}

// unlistedCode is the advice for a code without its own.
func unlistedCode(code string) string {
	if code == "" {
		return "IMS gave no code: its message above says why."
	}
	return "This provider has no specific advice for " + code + "; IMS's own message above says why. Check the arguments, " +
		"and report the request id to Huawei Cloud support if they are right."
}

func withBlank(s string) string {
	if s == "" {
		return ""
	}
	return s + "\n\n"
}

// shareCodeAdvice says what to do about the IMS error codes of sharing, as
// the IMS error-code table defines them.
func shareCodeAdvice(code string) string {
	switch code {
	case "IMG.0001":
		return "IMG.0001 means the request's format is invalid in IMS's view. Check image_id, the member IDs and, for " +
			"ims_image_share_accepter, status and vault_id: accepting a full-ECS image created from a CBR backup needs vault_id."
	case "IMG.0027":
		return "IMG.0027 means the image ID does not exist. Check image_id and region (sharing stays within one region)."
	case "IMG.0066":
		return "IMG.0066 means the image ID is incorrect. Check image_id: a UUID of an image of this region."
	case "IMG.0076":
		return "An image cannot be shared with its own project or account: remove it from projects or domains."
	case "IMG.0088":
		return fmt.Sprintf("IMG.0088: the IMS error-code table words it \"The number of shared images has reached the quota\" and advises "+
			"increasing the quota. It may mean this image's tenant cap (Restrictions on Image Sharing: a system or data disk image can be "+
			"shared with at most %d tenants, a full-ECS image with at most %d): remove members. Or it may mean the account's quotas of "+
			"shared images and image members (image_shared, image_member): ask Huawei Cloud to raise them.", predictedCap, predictedCapFullECS)
	case "IMG.0089":
		return "Public and Marketplace images cannot be shared: share a private copy of the image instead."
	case "IMG.0098":
		return "Encrypted images cannot be shared (Restrictions on Image Sharing): share an unencrypted copy of the image."
	case "IMG.0106":
		return "The image belongs to another tenant: only the project that owns an image can share it. Check image_id and the credentials."
	case "IMG.0108":
		return "A project or account to share with does not exist in this region: sharing stays within one region. Check its ID and the region."
	case "IMG.0107":
		return "IMG.0107: the IMS error-code table lists it for a Marketplace image, which cannot be shared: share a private image instead."
	case "IMG.0114":
		return "IMG.0114: the IMS error-code table words it \"Failed to query the tenant details\": check that each project or account " +
			"ID names a tenant of this region, and try again; report the request id to Huawei Cloud support if they are right."
	case "IMG.0112", "IMG.0113", "IMG.0135", "IMG.0177", "IMG.0178":
		// Listed in the error-code table; what they mean for sharing is
		// not stated in the pages this provider cites, so no meaning is
		// invented here.
		return code + " is in the IMS error-code table; this provider has no specific advice for it: IMS's message above says why."
	}
	return ""
}

// projectDiscoveryDiagnostic explains a failed IAM look-up.
func projectDiscoveryDiagnostic(err error, region, authURL string) diag.Diagnostic {
	var countErr *projectCountError
	if errors.As(err, &countErr) {
		return diag.NewAttributeErrorDiagnostic(path.Root("region"), "Cannot determine the project of region "+region,
			fmt.Sprintf("%s. Set project_id (HW_PROJECT_ID) to the project that owns the images in %s, or check the region name. %s",
				countErr.Error(), region, subProjectAdvice(region)))
	}
	detail := err.Error()
	var apiErr *ims.APIError
	if errors.As(err, &apiErr) && apiErr.Unauthorized() {
		_, hint := apiErrorAdvice(apiErr, failedCall{target: target{region: region}})
		detail += "\n\n" + hint
	}
	return diag.NewErrorDiagnostic("Cannot look up the project of region "+region,
		fmt.Sprintf("Project discovery (GET %s/projects?name=%s) failed: %s\n\nSet project_id (HW_PROJECT_ID) to skip discovery, or set auth_url "+
			"(HW_AUTH_URL) if IAM is elsewhere. %s", authURL, region, detail, subProjectAdvice(region)))
}

// subProjectAdvice says what discovery by region name cannot find: IAM
// names a sub-project "{region}_{name}" (KeystoneCreateProject, iam_06_0004:
// a project name starts with an existing region's ID and "_"), so a look-up
// by the region's name finds the region's own project only.
func subProjectAdvice(region string) string {
	return fmt.Sprintf("Discovery looks the project up by the region's name, so it finds the region's own project only, never a "+
		"sub-project such as %s_dev: for images in a sub-project, set project_id to its ID.", region)
}

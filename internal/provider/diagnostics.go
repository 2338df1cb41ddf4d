package provider

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-ims/terraform-provider-ims/internal/ims"
)

// failedRead is what a diagnostic may mention about a failed read.
type failedRead struct {
	imageID string
	target
	timeout    time.Duration
	maxRetries int
}

// readErrorDiagnostic turns any error of a members read into one diagnostic
// that says what failed and what to do.
func readErrorDiagnostic(err error, fr failedRead) diag.Diagnostic {
	var apiErr *ims.APIError
	var decErr *ims.DecodeError
	var reqErr *ims.RequestError
	var pageErr *ims.PagingError
	switch {
	case errors.As(err, &apiErr):
		summary, hint := apiErrorAdvice(apiErr, fr)
		detail := fmt.Sprintf("%s\n\n%s", apiErr.Error(), hint)
		if apiErr.StatusCode == http.StatusNotFound {
			return diag.NewAttributeErrorDiagnostic(path.Root("image_id"), summary, detail)
		}
		return diag.NewErrorDiagnostic(summary, detail)
	case errors.As(err, &decErr):
		return diag.NewErrorDiagnostic("IMS returned an unreadable response",
			fmt.Sprintf("%s\n\nSomething between the provider and IMS (a proxy, a captive portal, the wrong endpoint %s) may be answering "+
				"instead of IMS. Check endpoint and HTTPS_PROXY; if it persists, report the request id to Huawei Cloud support.", decErr.Error(), fr.endpoint))
	case errors.As(err, &reqErr):
		switch {
		case reqErr.Timeout():
			return diag.NewErrorDiagnostic("Timed out reading image members",
				fmt.Sprintf("%s.\n\nThe read's time limit (timeouts.read = %s) ran out. IMS at %s is slow or unreachable; raise "+
					"timeouts { read = \"...\" } on the data source, or lower request_timeout so that a stalled attempt is retried sooner.",
					reqErr.Error(), fr.timeout, fr.endpoint))
		case reqErr.TLS():
			return diag.NewErrorDiagnostic("TLS certificate of IMS not trusted",
				fmt.Sprintf("%s.\n\nIf a corporate proxy re-signs TLS, add its CA with cacert_file (HW_CACERT_FILE); insecure = true "+
					"(HW_INSECURE) skips verification but exposes your credentials to anyone in the middle.", reqErr.Error()))
		default:
			return diag.NewErrorDiagnostic("Could not reach IMS",
				fmt.Sprintf("%s.\n\nCheck that endpoint %s is right for region %s, that this machine can reach it, and HTTPS_PROXY/NO_PROXY. "+
					"Failed attempts are retried up to max_retries (%d) times.", reqErr.Error(), fr.endpoint, fr.region, fr.maxRetries))
		}
	case errors.As(err, &pageErr):
		return diag.NewErrorDiagnostic("IMS paging failed",
			pageErr.Error()+".\n\nThis is an IMS fault; try again, and report it to Huawei Cloud support if it persists.")
	}
	return diag.NewErrorDiagnostic("Unable to read image members", err.Error())
}

// apiErrorAdvice is the summary and the hint for an HTTP error status.
func apiErrorAdvice(e *ims.APIError, fr failedRead) (string, string) {
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return "IMS rejected the credentials",
			"Check access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), or token (HW_AUTH_TOKEN): they may be wrong, deleted or expired, " +
				"and temporary keys need their security_token (HW_SECURITY_TOKEN). A signature is valid for 15 minutes only, so also " +
				"check that this machine's clock is right (NTP)."
	case http.StatusForbidden:
		return "Permission denied by IMS",
			fmt.Sprintf("The credentials need the IMS permission ims:images:get (for example the IMS ReadOnlyAccess policy) on project %s, "+
				"and project_id must be the project of region %s that owns the image.", fr.projectID, fr.region)
	case http.StatusNotFound:
		return "Image not found",
			fmt.Sprintf("No image %s in project %s of region %s. Check image_id and region: members can be listed only by the project "+
				"that owns the image, not by the projects it is shared with.", fr.imageID, fr.projectID, fr.region)
	case http.StatusBadRequest:
		return "IMS rejected the request",
			"The request was malformed in IMS's view. Check image_id; if it is right, this is a provider bug: report it with the request id."
	case http.StatusTooManyRequests:
		return "IMS is throttling requests",
			fmt.Sprintf("Requests were retried up to max_retries (%d) times. Lower terraform -parallelism, raise max_retries, or try again later.", fr.maxRetries)
	}
	if e.StatusCode >= 500 {
		return "IMS is unavailable",
			fmt.Sprintf("IMS answered with a server error and was retried up to max_retries (%d) times. Try again later, raise max_retries, "+
				"or report the request id to Huawei Cloud support.", fr.maxRetries)
	}
	return "Unexpected answer from IMS", "Report the request id to Huawei Cloud support if this persists."
}

// projectDiscoveryDiagnostic explains a failed IAM look-up.
func projectDiscoveryDiagnostic(err error, region, authURL string) diag.Diagnostic {
	var countErr *projectCountError
	if errors.As(err, &countErr) {
		return diag.NewAttributeErrorDiagnostic(path.Root("region"), "Cannot determine the project of region "+region,
			fmt.Sprintf("%s. Set project_id (HW_PROJECT_ID) to the project that owns the images in %s, or check the region name.", countErr.Error(), region))
	}
	detail := err.Error()
	var apiErr *ims.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized {
		_, hint := apiErrorAdvice(apiErr, failedRead{target: target{region: region}})
		detail += "\n\n" + hint
	}
	return diag.NewErrorDiagnostic("Cannot look up the project of region "+region,
		fmt.Sprintf("Project discovery (GET %s/projects?name=%s) failed: %s\n\nSet project_id (HW_PROJECT_ID) to skip discovery, or set auth_url "+
			"(HW_AUTH_URL) if IAM is elsewhere.", authURL, region, detail))
}

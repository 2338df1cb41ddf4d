package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// typeSpec is what the shared code knows of one type of this provider,
// declared once per type below (as AWS registers every framework type with
// a spec): its name, how its writes hold an image's lock, which side of a
// share it acts for, the IMS permissions its reads need, and what an
// object of it holds on an image. The shared code reads these values and
// never compares type names, so that a new or renamed type cannot
// silently change locking or advice.
type typeSpec struct {
	// name is the type's full name, e.g. "ims_image_share".
	name string
	// lock is how the type's writes hold an image.
	lock lockMode
	// recipient marks a type of the recipient's side of a share, whose
	// advice and permissions are not the owner's.
	recipient bool
	// readPermissions are the IMS actions a read of the type needs
	// (writes add ims:images:share).
	readPermissions []string
	// holds is what an object of the type holds on an image, for the
	// composition guard (composition.go).
	holds holdingKind
	// attrs are the type's attributes of each member kind, for messages.
	attrs [3]string
}

// lockMode is how a type's writes hold an image's lock (locks.go).
type lockMode int

const (
	// lockShared: writes that touch only their own member or status run
	// side by side.
	lockShared lockMode = iota
	// lockExclusive: an authoritative write has the image alone.
	lockExclusive
)

// The types of this provider.
var (
	shareSpec = &typeSpec{name: "ims_image_share", lock: lockExclusive, holds: holdAll,
		readPermissions: []string{permissionGet}, attrs: [3]string{"projects", "domains", "organizations"}}
	memberSpec = &typeSpec{name: "ims_image_share_member", lock: lockShared, holds: holdMember,
		readPermissions: []string{permissionGet}, attrs: [3]string{"project_id", "domain_id", "organization_urn"}}
	// The accepter reads its own membership, and the recipient's image
	// list as its fallback.
	accepterSpec = &typeSpec{name: "ims_image_share_accepter", lock: lockShared, recipient: true, holds: holdStatus,
		readPermissions: []string{permissionGet, permissionList}}
	imageMembersSpec   = &typeSpec{name: "ims_image_members", readPermissions: []string{permissionGet}}
	imageSharesSpec    = &typeSpec{name: "ims_image_shares", readPermissions: []string{permissionList, permissionGet}}
	incomingSharesSpec = &typeSpec{name: "ims_incoming_image_shares", recipient: true, readPermissions: []string{permissionList}}
	// The actions' writes touch only the members or status they name, so
	// they share an image's lock as ims_image_share_member does.
	shareImageSpec = &typeSpec{name: "ims_share_image", lock: lockShared, readPermissions: []string{permissionGet},
		attrs: [3]string{"projects", "domains", "organizations"}}
	unshareImageSpec = &typeSpec{name: "ims_unshare_image", lock: lockShared, readPermissions: []string{permissionGet}}
	acceptSharesSpec = &typeSpec{name: "ims_accept_image_shares", lock: lockShared, recipient: true,
		readPermissions: []string{permissionGet, permissionList}}
)

// providerTypeName is the provider's name, the prefix of every type's.
const providerTypeName = "ims"

// holding is what an object of the type holds: members (unknown when
// they are not known at plan time).
func (s *typeSpec) holding(m members, unknown bool) holding {
	return holding{kind: s.holds, typeName: s.name, members: m, unknown: unknown, attrs: s.attrs, spec: s}
}

// typeName is the type's name under the provider's name as the framework
// gives it (always "ims" here).
func (s *typeSpec) typeName(providerName string) string {
	return providerName + strings.TrimPrefix(s.name, providerTypeName)
}

// typeBase is what every type embeds, through its framework's base below:
// its spec and its provider data.
type typeBase struct {
	spec *typeSpec
	data *providerData
}

// The bases of resources (and list resources), actions and data sources:
// the framework gives each its own request types, so each has its
// Metadata and Configure, each a call of typeBase.
type (
	resourceBase   struct{ typeBase }
	actionBase     struct{ typeBase }
	dataSourceBase struct{ typeBase }
)

// name is the framework's type name for the provider's name.
func (b *typeBase) name(provider string) string { return b.spec.typeName(provider) }

// configure keeps the provider data handed to the type.
func (b *typeBase) configure(given any, diags *diag.Diagnostics) {
	b.data = configuredData(given, diags)
}

func (b *resourceBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = b.name(req.ProviderTypeName)
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

func (b *actionBase) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = b.name(req.ProviderTypeName)
}

func (b *actionBase) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

func (b *dataSourceBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = b.name(req.ProviderTypeName)
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

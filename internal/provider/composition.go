package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// This file guards what Terraform composes from the calls of several
// objects, which no single call can see: a for_each key renamed without a
// moved block (a create and a destroy on one image, in either order), a
// replacement with create_before_destroy (the new object's Create, then the
// deposed object's Delete), and two resources that manage one image's
// sharing. Terraform starts one provider process for each provider
// configuration and walk, and every plan of the walk reaches it, so the
// process sees every object of its configuration that touches an image.
//
// In the plan walk, each resource's ModifyPlan records what it will hold;
// the second of two objects that cannot safely be applied together refuses
// the plan, before anything is written. In the apply walk, a successful
// Create or Update claims what it holds; a Delete (the deposed object of a
// create_before_destroy replacement runs after its successor) leaves what
// a claim holds.

// holdingKind is what an object holds on an image.
type holdingKind int

const (
	// holdAll: ims_image_share, every member of the image.
	holdAll holdingKind = iota
	// holdMember: ims_image_share_member, one member.
	holdMember
	// holdStatus: ims_image_share_accepter, the recipient's status.
	holdStatus
)

// holding is what one object holds on one image.
type holding struct {
	kind     holdingKind
	typeName string
	// attrs are the type's attributes of each member kind, for messages.
	attrs [3]string
	// status is the recipient's status an accepter asks for.
	status string
	// spec is the holder's type (nil in unit tests of the guard).
	spec    *typeSpec
	members members
	// unknown is set when the members are not known at plan time: the
	// object is then taken to hold any member.
	unknown bool
}

// String describes the holding for a message: "ims_image_share (project X)".
func (h holding) String() string {
	switch {
	case h.unknown:
		return h.typeName + " (members known only after apply)"
	case h.kind == holdStatus:
		return h.typeName
	case h.members.empty():
		return h.typeName + " (no member)"
	}
	return h.typeName + " (" + h.members.String() + ")"
}

// overlaps reports whether a and b hold something in common on one image.
func (a holding) overlaps(b holding) bool {
	if (a.kind == holdStatus) != (b.kind == holdStatus) {
		return false // The owner's side and the recipient's.
	}
	if a.kind == holdStatus || a.kind == holdAll && b.kind == holdAll {
		return true
	}
	if a.unknown || b.unknown {
		// Not known until apply: Create's lock and its refusal of a
		// member IMS already holds decide then.
		return false
	}
	return !a.members.common(b.members).empty()
}

// planAction is what a plan does to an object.
type planAction int

const (
	planKeep planAction = iota // no change, or an update in place
	planCreate
	planDestroy
)

// plannedObject is one object in one plan walk.
type plannedObject struct {
	token  string
	action planAction
	held   holding
}

// compositionGuard is what one provider process records of the objects
// of its configuration, per image (see the comment at the top).
type compositionGuard struct {
	mu      sync.Mutex
	planned map[string][]*plannedObject
	claims  map[string][]claim
}

// claim is what an object created or updated in this process holds, and
// the object's token (kept in its private state), so that the object's own
// later Delete is not kept from removing it.
type claim struct {
	held  holding
	token string
}

// imageKey names an image for the guard: one provider configuration
// reaches one endpoint and project per region.
func imageKey(region, imageID string) string {
	return region + "/" + strings.ToLower(imageID)
}

// planTokenKey is the private-state key under which an object's plan
// token passes from the first plan of a replacement to the second (the
// CLI hands the first plan's private data to the second, which plans the
// new object).
const planTokenKey = "plan_object"

// plan records an object's plan and returns the refusal of a plan that
// cannot be applied safely with one recorded before, or nil.
func (g *compositionGuard) plan(key string, obj *plannedObject, imageID string) diag.Diagnostic {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.planned == nil {
		g.planned = map[string][]*plannedObject{}
	}
	list := g.planned[key]
	for i, o := range list {
		// One object planned again: its token (kept in its private
		// state, and handed from the first plan of a replacement to the
		// second), or, for a new object, what it holds (terraform test
		// plans a new object in its plan and again in its apply, in one
		// process, with no private data to carry a token across).
		if obj.token != "" && o.token == obj.token || o.action == planCreate && obj.action == planCreate && o.held.same(obj.held) {
			list[i] = obj
			return nil
		}
	}
	g.planned[key] = append(list, obj)
	for _, o := range list {
		if d := g.conflict(key, o, obj, imageID); d != nil {
			return d
		}
	}
	return nil
}

// conflict is the refusal of objects a and b on one image, or nil.
func (g *compositionGuard) conflict(key string, a, b *plannedObject, imageID string) diag.Diagnostic {
	switch {
	case a.action == planDestroy && b.action == planDestroy:
		return nil
	case a.action == planDestroy || b.action == planDestroy:
		gone, made := a, b
		if b.action == planDestroy {
			gone, made = b, a
		}
		if !gone.held.overlaps(made.held) || g.claimedLocked(key, gone.held) {
			// A deposed object's destroy, planned after its successor's
			// create was applied, leaves what that holds: see Delete.
			return nil
		}
		if made.action == planKeep {
			return removesWhatAnotherHolds(gone.held, made.held, imageID)
		}
		return movedWithoutMovedBlock(gone.held, made.held, imageID)
	}
	return twoOnOneImage(a.held, b.held, imageID)
}

// movedWithoutMovedBlock is the refusal of a plan that destroys one object
// and creates another holding the same on one image.
func movedWithoutMovedBlock(gone, made holding, imageID string) diag.Diagnostic {
	effect := "if the destroy runs first, it removes the members and the create adds them back pending, each recipient's " +
		"acceptance lost; if it runs second, it removes what the new resource holds while state says it is shared"
	if gone.kind == holdStatus {
		effect = "the destroy rejects the image and the create accepts it, in whichever order they run, so the status can end " +
			"rejected while state says accepted"
	}
	return diag.NewErrorDiagnostic("Sharing would move between two resources in one apply",
		fmt.Sprintf("This plan destroys %s on image %s and creates %s on the same image. Terraform runs the two independently: %s. "+
			"Nothing was changed. This happens when a for_each key or a resource is renamed, or a member moves between "+
			"ims_image_share and ims_image_share_member. Tell Terraform that it is the same sharing, with a moved block:\n\n"+
			"  moved {\n    from = <old address>\n    to   = <new address>\n  }\n\n"+
			"(ims_image_share with one member and ims_image_share_member move into each other too), or hand it over without a "+
			"write: a removed block with lifecycle { destroy = false } for the old address, and an import block for the new one.",
			gone, imageID, made, effect))
}

// removesWhatAnotherHolds is the refusal of a plan that destroys one
// object while another, which stays, holds the same: the destroy would take
// it from the one that stays.
func removesWhatAnotherHolds(gone, kept holding, imageID string) diag.Diagnostic {
	effect := "removes what it holds from IMS, and the other's state would claim members IMS no longer shares; the next apply " +
		"would add them back pending, each recipient's acceptance lost"
	if gone.kind == holdStatus {
		effect = "rejects the image, while the other says it is accepted"
	}
	return diag.NewErrorDiagnostic("A destroy would take sharing from a resource that stays",
		fmt.Sprintf("This plan destroys %s on image %s while %s, which stays in this configuration, holds the same. The destroy %s. "+
			"Nothing was changed. To stop managing the one that goes without a write, replace its block with\n\n"+
			"  removed {\n    from = <its address>\n    lifecycle {\n      destroy = false\n    }\n  }\n",
			gone, imageID, kept, effect))
}

// twoOnOneImage is the refusal of two objects that would both manage one
// image's sharing, or nil when they can live side by side.
func twoOnOneImage(a, b holding, imageID string) diag.Diagnostic {
	const summary = "Two resources manage the sharing of one image"
	const nothing = " Nothing was changed."
	switch {
	case a.kind == holdStatus && b.kind == holdStatus:
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("This configuration has two ims_image_share_accepter on image %s. "+
			"Each sets the recipient's one status, so they undo each other and their writes race. Keep one."+nothing, imageID))
	case a.kind == holdStatus || b.kind == holdStatus:
		return nil
	case a.kind == holdAll && b.kind == holdAll:
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("This configuration has two ims_image_share on image %s: %s and %s. "+
			"Each is authoritative and removes the members the other names, so they undo each other on every apply and each "+
			"recipient goes back to pending. Merge them into one ims_image_share."+nothing, imageID, a, b))
	case a.kind == holdAll || b.kind == holdAll:
		if b.kind == holdAll {
			a, b = b, a
		}
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("This configuration has %s and %s on image %s. ims_image_share "+
			"removes every member it does not name, and ims_image_share_member adds its own back, so they undo each other on "+
			"every apply and the recipient goes back to pending. Let one ims_image_share own the image's sharing (add the "+
			"member to it), or use ims_image_share_member for every member: never both on one image."+nothing, a, b, imageID))
	case a.overlaps(b):
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("This configuration has two ims_image_share_member for one member "+
			"of image %s: %s. Destroying either removes the member for both. Keep one."+nothing, imageID, a.members))
	}
	return nil
}

// same reports two holdings of one type that hold the same members.
func (a holding) same(b holding) bool {
	return a.kind == b.kind && a.typeName == b.typeName && !a.unknown && !b.unknown && a.status == b.status &&
		a.members.minus(b.members).empty() && b.members.minus(a.members).empty()
}

// forget drops the plans of objects that a Delete applied in this process
// removed, so that a later plan in the same process (terraform test's next
// run) does not take them for live objects.
func (g *compositionGuard) forget(key, token string, h holding) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if list, ok := g.planned[key]; ok {
		g.planned[key] = slices.DeleteFunc(list, func(o *plannedObject) bool {
			return o.held.kind == h.kind && o.held.overlaps(h)
		})
	}
	if list, ok := g.claims[key]; ok && token != "" {
		g.claims[key] = slices.DeleteFunc(list, func(c claim) bool { return c.token == token })
	}
}

// applied records a successful Create or Update of an object that holds h:
// it claims h under the object's token (kept in its private state p, made
// when the object has none: the framework hands Create no planned private
// data), and drops the object's plans, which are done.
func (g *compositionGuard) applied(ctx context.Context, key string, p privateData, h holding) diag.Diagnostics {
	token := objectToken(ctx, p)
	var diags diag.Diagnostics
	if token == "" {
		token = newToken()
		diags = setObjectToken(ctx, p, token)
	}
	g.claim(key, token, h)
	g.mu.Lock()
	defer g.mu.Unlock()
	if list, ok := g.planned[key]; ok {
		g.planned[key] = slices.DeleteFunc(list, func(o *plannedObject) bool {
			return o.action != planDestroy && (o.token == token || o.held.same(h))
		})
	}
	return diags
}

// forgetAfter forgets what a Delete removed (see forget), when it
// succeeded.
func (g *compositionGuard) forgetAfter(key, token string, h holding, diags *diag.Diagnostics) {
	if !diags.HasError() {
		g.forget(key, token, h)
	}
}

// objectToken is the token an object's private state holds (see
// planToken), or "" for an object written before tokens were kept.
func objectToken(ctx context.Context, p privateData) string {
	if p == nil {
		return ""
	}
	raw, _ := p.GetKey(ctx, planTokenKey)
	var token string
	if len(raw) > 0 && json.Unmarshal(raw, &token) != nil {
		return ""
	}
	return token
}

// claim records that the object of token, created or updated in this
// process, holds h; a claim of the same object is replaced.
func (g *compositionGuard) claim(key, token string, h holding) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.claims == nil {
		g.claims = map[string][]claim{}
	}
	list := g.claims[key]
	if token != "" {
		list = slices.DeleteFunc(list, func(c claim) bool { return c.token == token })
	}
	g.claims[key] = append(list, claim{held: h, token: token})
}

// claimedLocked reports whether a claim on the image overlaps h.
func (g *compositionGuard) claimedLocked(key string, h holding) bool {
	for _, c := range g.claims[key] {
		if c.held.overlaps(h) {
			return true
		}
	}
	return false
}

// kept is the part of h that claims of other objects than token's hold,
// which a Delete must leave: the members, or for the recipient's status
// whether it is claimed.
func (g *compositionGuard) kept(key, token string, h holding) (members, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out members
	claimed := false
	for _, c := range g.claims[key] {
		if token != "" && c.token == token || !c.held.overlaps(h) {
			continue
		}
		claimed = true
		out = out.union(h.members.common(c.held.members))
	}
	return out, claimed
}

// heldModel is the model of a resource whose plans the guard records.
type heldModel interface {
	imageModel
	holding(ctx context.Context) (holding, diag.Diagnostics)
}

// guardPlan records the plan of a resource on one image (see the comment
// at the top) and refuses one that cannot be applied safely.
func guardPlan[M heldModel](ctx context.Context, d *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if d == nil || len(d.unknown) > 0 {
		return // The provider is not configured in this walk (validate).
	}
	obj := &plannedObject{action: planKeep}
	src := req.Plan.Raw
	switch {
	case req.Plan.Raw.IsNull():
		obj.action, src = planDestroy, req.State.Raw
	case req.State.Raw.IsNull():
		obj.action = planCreate
	}
	var m M
	var diags diag.Diagnostics
	if obj.action == planDestroy {
		diags = req.State.Get(ctx, &m)
	} else {
		diags = req.Plan.Get(ctx, &m)
	}
	if diags.HasError() || !src.IsFullyKnown() && obj.action == planDestroy {
		return
	}
	imageID, region := m.imageAndRegion()
	if imageID == "" || region.IsUnknown() && obj.action != planCreate {
		return // Unknown until apply: the apply-time locks and checks still hold.
	}
	held, diags := m.holding(ctx)
	if diags.HasError() {
		return
	}
	obj.held = held
	obj.token = planToken(ctx, req, resp, obj.action != planDestroy)
	if obj.action != planDestroy {
		resp.Diagnostics.Append(policyPlan[M](ctx, d, req, held, imageID)...)
	}
	if refusal := d.guard.plan(imageKey(d.regionOr(region), imageID), obj, imageID); refusal != nil {
		resp.Diagnostics.Append(refusal)
	}
}

// policyPlan refuses the members a plan adds outside the sharing policy
// (members unknown until apply are checked before the write) and warns of
// those outside it that the object already holds.
func policyPlan[M heldModel](ctx context.Context, d *providerData, req resource.ModifyPlanRequest, held holding, imageID string) diag.Diagnostics {
	if !d.policy.set() || held.kind == holdStatus || held.unknown || held.spec == nil {
		return nil
	}
	var prior members
	if !req.State.Raw.IsNull() {
		var m M
		if req.State.Get(ctx, &m).HasError() {
			return nil
		}
		h, _ := m.holding(ctx)
		prior = h.members
	}
	diags := d.policy.refuseAdded(held.members.minus(prior), held.spec)
	diags.Append(d.policy.warnHeld(held.members.common(prior), held.typeName, imageID)...)
	return diags
}

// planToken is the object's token across the two plans of a replacement:
// the one the first plan handed over in private data, else a new one,
// handed on.
func planToken(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, handOn bool) string {
	var token string
	if req.Private != nil {
		token = objectToken(ctx, req.Private)
	}
	if !handOn {
		return token
	}
	if token == "" {
		token = newToken()
	}
	if resp.Private != nil {
		resp.Diagnostics.Append(setObjectToken(ctx, resp.Private, token)...)
	}
	return token
}

// newToken is a new object's token.
func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// setObjectToken keeps an object's token in its private state.
func setObjectToken(ctx context.Context, p privateData, token string) diag.Diagnostics {
	raw, _ := json.Marshal(token)
	return p.SetKey(ctx, planTokenKey, raw)
}

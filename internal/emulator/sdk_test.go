package emulator

import (
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	sdkims "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ims/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ims/v2/model"
)

// The official Go SDK (huaweicloud-sdk-go-v3, services/ims/v2) as a client
// of the emulator that this project did not write: its own signer, paths,
// query encoding and JSON. A test-only dependency: the provider's binary
// does not link it (TestProviderDoesNotLinkTheSDK in the module root).

// sdkClient is the SDK's IMS v2 client for the emulator, signing with ak
// and sk (and token, for temporary credentials) as project.
func sdkClient(t *testing.T, emu *Server, ak, sk, token, project string) *sdkims.ImsClient {
	t.Helper()
	b := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(project)
	if token != "" {
		b = b.WithSecurityToken(token)
	}
	cred, err := b.SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := sdkims.ImsClientBuilder().WithEndpoints([]string{emu.URL()}).WithCredential(cred).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return sdkims.NewImsClient(hc)
}

// sdkWaitJob reads a job with the SDK until it ends.
func sdkWaitJob(t *testing.T, c *sdkims.ImsClient, jobID string) *model.ShowJobResponse {
	t.Helper()
	for range 100 {
		job, err := c.ShowJob(&model.ShowJobRequest{JobId: jobID})
		if err != nil {
			t.Fatalf("ShowJob %s: %v", jobID, err)
		}
		if job.Status != nil && (job.Status.Value() == "SUCCESS" || job.Status.Value() == "FAIL") {
			return job
		}
	}
	t.Fatalf("job %s did not end", jobID)
	return nil
}

// TestSDKClient: the SDK lists members, adds, removes and (as the
// recipient) accepts, reads each job, and lists images with the owner's
// and the recipient's queries, with permanent and temporary credentials.
func TestSDKClient(t *testing.T) {
	for name, cred := range map[string][3]string{
		"permanent": {DemoAccessKey, DemoSecretKey, ""},
		"temporary": {DemoTempAccessKey, DemoTempSecretKey, DemoSecurityToken},
	} {
		t.Run(name, func(t *testing.T) {
			emu := startDemo(t)
			owner := sdkClient(t, emu, cred[0], cred[1], cred[2], DemoProjectID)
			recipient := sdkClient(t, emu, DemoRecipientAccessKey, DemoRecipientSecretKey, "", DemoAllowedProjects[0])

			limit := int32(2)
			page, err := owner.ListImageMembers(&model.ListImageMembersRequest{ImageId: DemoImageID, Limit: &limit})
			if err != nil {
				t.Fatalf("ListImageMembers: %v", err)
			}
			if page.Members == nil || len(*page.Members) != 2 || page.PageInfo == nil || page.PageInfo.NextMarker == "" {
				t.Fatalf("first page of %s: %+v, want 2 members and a next_marker", DemoImageID, page)
			}
			rest, err := owner.ListImageMembers(&model.ListImageMembersRequest{ImageId: DemoImageID, Limit: &limit, Marker: &page.PageInfo.NextMarker})
			if err != nil || rest.Members == nil || len(*rest.Members) != 1 {
				t.Fatalf("second page: %+v, %v; want the third member", rest, err)
			}

			target := DemoAllowedProjects[0]
			added, err := owner.BatchAddMembers(&model.BatchAddMembersRequest{Body: &model.BatchAddMembersRequestBody{
				Images: []string{DemoShareImageID}, Projects: []string{target}}})
			if err != nil || added.JobId == nil {
				t.Fatalf("BatchAddMembers: %+v, %v", added, err)
			}
			if job := sdkWaitJob(t, owner, *added.JobId); job.Status.Value() != "SUCCESS" || job.JobType == nil || *job.JobType != "imsAddImageMembersJob" {
				t.Fatalf("add job: %+v", job)
			}
			if ms := emu.Members(DemoProjectID, DemoShareImageID); len(ms) != 1 || ms[0].MemberID != target || ms[0].Status != "pending" {
				t.Fatalf("after the add the image has %+v, want %s pending", ms, target)
			}

			// The recipient finds the pending share with the SDK's own
			// query, and accepts it.
			shared, pending := model.GetListImagesRequestVisibilityEnum().SHARED, model.GetListImagesRequestMemberStatusEnum().PENDING
			id := DemoShareImageID
			list, err := recipient.ListImages(&model.ListImagesRequest{Visibility: &shared, MemberStatus: &pending, Id: &id})
			if err != nil || list.Images == nil || len(*list.Images) != 1 || (*list.Images)[0].Id != DemoShareImageID {
				t.Fatalf("recipient's ListImages (visibility=shared, member_status=pending): %+v, %v", list, err)
			}
			accept := model.GetBatchUpdateMembersRequestBodyStatusEnum().ACCEPTED
			updated, err := recipient.BatchUpdateMembers(&model.BatchUpdateMembersRequest{Body: &model.BatchUpdateMembersRequestBody{
				Images: []string{DemoShareImageID}, ProjectId: target, Status: accept}})
			if err != nil || updated.JobId == nil {
				t.Fatalf("BatchUpdateMembers: %+v, %v", updated, err)
			}
			if job := sdkWaitJob(t, recipient, *updated.JobId); job.Status.Value() != "SUCCESS" {
				t.Fatalf("update job: %+v", job)
			}
			member, err := owner.ShowImageMember(&model.ShowImageMemberRequest{ImageId: DemoShareImageID, MemberId: target})
			if err != nil || member.Status == nil || *member.Status != "accepted" {
				t.Fatalf("ShowImageMember after the accept: %+v, %v", member, err)
			}

			// The owner's shared images, as the reference's common query
			// asks for them.
			sharedType, own := model.GetListImagesRequestImagetypeEnum().SHARED, DemoProjectID
			mine, err := owner.ListImages(&model.ListImagesRequest{Imagetype: &sharedType, Owner: &own})
			if err != nil || mine.Images == nil {
				t.Fatalf("owner's ListImages (__imagetype=shared, owner): %+v, %v", mine, err)
			}
			found := false
			for _, img := range *mine.Images {
				found = found || img.Id == DemoShareImageID
			}
			if !found {
				t.Errorf("owner's shared images %+v lack %s", *mine.Images, DemoShareImageID)
			}

			removed, err := owner.BatchDeleteMembers(&model.BatchDeleteMembersRequest{Body: &model.BatchAddMembersRequestBody{
				Images: []string{DemoShareImageID}, Projects: []string{target}}})
			if err != nil || removed.JobId == nil {
				t.Fatalf("BatchDeleteMembers: %+v, %v", removed, err)
			}
			if job := sdkWaitJob(t, owner, *removed.JobId); job.Status.Value() != "SUCCESS" || *job.JobType != "imsDelImageMembersJob" {
				t.Fatalf("delete job: %+v", job)
			}
			if ms := emu.Members(DemoProjectID, DemoShareImageID); len(ms) != 0 {
				t.Fatalf("after the removal the image has %+v", ms)
			}
		})
	}
}

// TestSDKWrongSecretRefused: a request the SDK signs with another secret
// is refused, so that the test above proves the emulator checks the SDK's
// signature rather than accepting anything.
func TestSDKWrongSecretRefused(t *testing.T) {
	emu := startDemo(t)
	c := sdkClient(t, emu, DemoAccessKey, "not-the-secret", "", DemoProjectID)
	if _, err := c.ListImageMembers(&model.ListImageMembersRequest{ImageId: DemoImageID}); err == nil {
		t.Fatal("a request signed with the wrong secret was served")
	}
}

package emulator

import "time"

// The demo world: one account with a project in cn-north-4 and a few shared
// images. The demo (make demo) and the test that applies every example use
// it, so the examples' image IDs always exist. The keys are public
// placeholders that only this emulator accepts.
const (
	DemoRegion    = "cn-north-4"
	DemoDomainID  = "0970dd7a1300f5672ff2c003c60ae115"
	DemoProjectID = "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d"
	DemoAccessKey = "DEMOACCESSKEY0000000"
	DemoSecretKey = "demo-secret-key-known-only-to-the-emulator"

	// Temporary credentials and an IAM token of the same account.
	DemoTempAccessKey = "DEMOTEMPORARYKEY0000"
	DemoTempSecretKey = "demo-temporary-secret-key"
	DemoSecurityToken = "demo-security-token"
	DemoIAMToken      = "demo-iam-token"
	// An IAM user of the same account, for password logins.
	DemoDomainName = "ims-demo"
	DemoUserName   = "demo-user"
	DemoPassword   = "demo-password-known-only-to-the-emulator"

	// DemoImageID is shared with one member of each type.
	DemoImageID = "370befec-a369-475e-a224-44a45927a8fe"
	// DemoGoldenImageID is shared only with accepted projects.
	DemoGoldenImageID = "5f0b4bd2-8a47-4c11-9b1e-6a0d3e2c7f90"
	// DemoBaseImageID is shared widely: 1,500 members over two pages.
	DemoBaseImageID = "9c4e2a71-3d5b-4f86-a0c2-e17b58d9f634"
	// DemoShareImageID is shared with no one yet: the ims_image_share
	// example shares it.
	DemoShareImageID = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
	// DemoOfferedImageID is shared, pending, with the recipient's project:
	// the ims_image_share_accepter example accepts it.
	DemoOfferedImageID = "e8d4c2b3-7f60-4b9c-8d1e-2f3a4b5c6d7e"

	// The recipient: another account, owner of DemoAllowedProjects[0].
	DemoRecipientDomainID  = "1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d"
	DemoRecipientAccessKey = "DEMORECIPIENTKEY0000"
	DemoRecipientSecretKey = "demo-recipient-secret-key"
	// DemoPartnerDomainID is a third account, owner of DemoAllowedProjects[1].
	DemoPartnerDomainID = "2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d6e"
)

// DemoAllowedProjects are the projects the golden image may be shared with.
var DemoAllowedProjects = []string{
	"05041fffa40025702fcdc009d5a1b3c1",
	"7d2a4c1e9b8f4a6d8e5c3b1a0f9e8d7c",
}

// DemoImageMembers are the members of DemoImageID: one of each type.
func DemoImageMembers() []Member {
	at := time.Date(2023, 8, 23, 4, 7, 52, 0, time.UTC)
	return []Member{
		NewMember(DemoImageID, "organization", "accepted", "demo-org", at),
		NewMember(DemoImageID, "project", "accepted", "demo-project", at.Add(time.Hour)),
		NewMember(DemoImageID, "domain", "pending", "demo-account", at.Add(2*time.Hour)),
	}
}

// LoadDemo adds the demo account, project and images.
func (s *Server) LoadDemo() {
	s.AddCredential(Credential{AccessKey: DemoAccessKey, SecretKey: DemoSecretKey, DomainID: DemoDomainID})
	s.AddCredential(Credential{AccessKey: DemoTempAccessKey, SecretKey: DemoTempSecretKey, SecurityToken: DemoSecurityToken, DomainID: DemoDomainID})
	s.AddToken(DemoIAMToken, DemoDomainID)
	s.SetDomainName(DemoDomainID, DemoDomainName)
	s.AddUser(User{Name: DemoUserName, Password: DemoPassword, DomainID: DemoDomainID})
	s.AddProject(Project{ID: DemoProjectID, Region: DemoRegion, DomainID: DemoDomainID})
	at := time.Date(2023, 8, 23, 4, 7, 52, 0, time.UTC)
	s.SetMembers(DemoProjectID, DemoImageID, DemoImageMembers())
	golden := make([]Member, len(DemoAllowedProjects))
	for i, id := range DemoAllowedProjects {
		golden[i] = NewMember(DemoGoldenImageID, "project", "accepted", "golden", at.Add(time.Duration(i)*time.Minute))
		golden[i].MemberID = id
	}
	s.SetMembers(DemoProjectID, DemoGoldenImageID, golden)
	s.SetMembers(DemoProjectID, DemoBaseImageID, GenerateMembers(DemoBaseImageID, 1500))

	s.AddCredential(Credential{AccessKey: DemoRecipientAccessKey, SecretKey: DemoRecipientSecretKey, DomainID: DemoRecipientDomainID})
	s.AddProject(Project{ID: DemoAllowedProjects[0], Region: DemoRegion, DomainID: DemoRecipientDomainID})
	s.AddProject(Project{ID: DemoAllowedProjects[1], Region: DemoRegion, DomainID: DemoPartnerDomainID})
	for id, name := range map[string]string{DemoImageID: "app-2024", DemoGoldenImageID: "golden-base", DemoBaseImageID: "base-ubuntu",
		DemoShareImageID: "release-candidate", DemoOfferedImageID: "partner-tools"} {
		s.SetImage(DemoProjectID, id, ImageOptions{Name: name})
	}
	offered := NewMember(DemoOfferedImageID, "project", "pending", "offered", at)
	offered.MemberID = DemoAllowedProjects[0]
	s.SetMembers(DemoProjectID, DemoOfferedImageID, []Member{offered})
}

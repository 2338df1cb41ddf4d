package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strconv"
	"time"
)

// Member types and statuses the API uses.
var (
	MemberTypes = []string{"project", "domain", "organization"}
	Statuses    = []string{"accepted", "pending", "rejected"}
)

func pemEncode(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func hexID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:16])
}

// NewMember builds one member the way IMS shows it: organization members get
// an ou- id and a URN; projects and accounts (domains) a 32-hex id.
func NewMember(imageID, memberType, status, seed string, at time.Time) Member {
	m := Member{
		Status:     status,
		CreatedAt:  at.UTC().Format(time.RFC3339),
		UpdatedAt:  at.Add(time.Hour).UTC().Format(time.RFC3339),
		ImageID:    imageID,
		Schema:     "/v2/schemas/member",
		MemberType: memberType,
		MemberID:   hexID(memberType + "/" + seed),
	}
	if memberType == "organization" {
		m.MemberID = "ou-" + hexID("ou/" + seed)[:28]
		urn := fmt.Sprintf("organizations::%s:ou:o-%s/%s", hexID("acct/"+seed), hexID("org/" + seed)[:28], m.MemberID)
		m.URN = &urn
	}
	return m
}

// GenerateMembers makes n distinct members of an image, deterministic for the
// same arguments: types cycle project, domain, organization and statuses
// accepted, pending, rejected (shifted every three members, so every pair
// occurs).
func GenerateMembers(imageID string, n int) []Member {
	base := time.Date(2023, 8, 23, 4, 7, 52, 0, time.UTC)
	out := make([]Member, n)
	for i := range out {
		out[i] = NewMember(imageID, MemberTypes[i%3], Statuses[(i+i/3)%3], imageID+"/"+strconv.Itoa(i), base.Add(time.Duration(i)*time.Minute))
	}
	return out
}

package provider

import "regexp"

// Patterns of the identifiers that the schemas check at plan time.
var (
	// uuidPattern accepts the canonical 8-4-4-4-12 form of an image id, so
	// that a value such as "../x" fails at plan time and never becomes a path.
	uuidPattern      = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	projectIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)
	// enterpriseProjectPattern is enterprise_project_id: 0, all_granted_eps
	// or an enterprise project's UUID.
	enterpriseProjectPattern = regexp.MustCompile(`^(0|all_granted_eps|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$`)
	// organizationURNPattern is an organization member as BatchAddMembers'
	// example shares with: the organization (organizations::{account}:organization:o-{org}),
	// its root (…:root:o-{org}/r-{root}) or a unit, nested ones too
	// (…:ou:o-{org}/ou-{unit}[/ou-{unit}…]).
	organizationURNPattern = regexp.MustCompile(`^organizations::[0-9a-zA-Z]+:(organization:o-[0-9a-z]+|root:o-[0-9a-z]+/r-[0-9a-z]+|ou:o-[0-9a-z]+(/ou-[0-9a-z]+)+)$`)

	// memberIDPattern is a project or account ID as IMS lists it: 32 lower-case
	// hexadecimal characters.
	memberIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	dnsNamePattern  = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
)

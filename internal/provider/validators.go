package provider

import "regexp"

// Patterns of the identifiers that the schemas check at plan time.
var (
	// uuidPattern accepts the canonical 8-4-4-4-12 form of an image id, so
	// that a value such as "../x" fails at plan time and never becomes a path.
	uuidPattern      = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	projectIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)
	dnsNamePattern   = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
)

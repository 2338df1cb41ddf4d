# Filters are applied to every page, so only matching members reach state.
data "ims_image_members" "pending_accounts" {
  image_id    = "9c4e2a71-3d5b-4f86-a0c2-e17b58d9f634"
  member_type = "domain"
  status      = "pending"
}

data "ims_image_members" "accepted_organizations" {
  image_id    = "9c4e2a71-3d5b-4f86-a0c2-e17b58d9f634"
  member_type = "organization"
  status      = "accepted"
}

output "pending_account_ids" {
  value = data.ims_image_members.pending_accounts.member_ids
}

output "accepted_organization_urns" {
  value = [for m in data.ims_image_members.accepted_organizations.members : m.urn]
}

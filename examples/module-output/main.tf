# A module output that other projects read (through terraform_remote_state
# or a module call): the members keyed by member_id.
data "ims_image_members" "base" {
  image_id = "370befec-a369-475e-a224-44a45927a8fe"
}

output "image_members_by_id" {
  description = "Members of the base image, keyed by member_id."
  value = {
    for m in data.ims_image_members.base.members : m.member_id => {
      type       = m.member_type
      status     = m.status
      urn        = m.urn
      shared_at  = m.created_at
      changed_at = m.updated_at
    }
  }
}

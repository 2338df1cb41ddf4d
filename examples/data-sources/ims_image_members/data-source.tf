# Every member the image is shared with, across all pages.
data "ims_image_members" "this" {
  image_id = "370befec-a369-475e-a224-44a45927a8fe"
}

output "members" {
  description = "Who the image is shared with, and in which state."
  value = [
    for m in data.ims_image_members.this.members : {
      member_id   = m.member_id
      member_type = m.member_type
      status      = m.status
      urn         = m.urn
    }
  ]
}

output "member_ids" {
  value = data.ims_image_members.this.member_ids
}

# Audit: no image of this project may be shared outside an allow-list of
# projects and accounts. The check reads the project's whole sharing on
# every plan and apply, and warns naming each image and member outside the
# list (a failed assertion is a warning, and fails `terraform test`).
variable "allowed_member_ids" {
  type = set(string)
  default = [
    "05041fffa40025702fcdc009d5a1b3c1",
    "7d2a4c1e9b8f4a6d8e5c3b1a0f9e8d7c",
  ]
}

check "sharing_allow_list" {
  data "ims_image_shares" "all" {}

  assert {
    condition = alltrue(flatten([
      for img in data.ims_image_shares.all.images : [
        for m in img.members : contains(var.allowed_member_ids, m.member_id)
      ]
    ]))
    error_message = "Shared outside the allow-list: ${join("; ", [
      for img in data.ims_image_shares.all.images :
      "${img.name} (${img.image_id}) with ${join(", ", [for m in img.members : "${m.member_type} ${m.member_id}" if !contains(var.allowed_member_ids, m.member_id)])}"
      if anytrue([for m in img.members : !contains(var.allowed_member_ids, m.member_id)])
    ])}."
  }
}

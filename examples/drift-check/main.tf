# Drift check: the golden image may be shared only with an allow-list of
# projects, and every share must have been accepted. A failed assertion shows
# as a warning on every plan and apply (and fails `terraform test`).
variable "golden_image_id" {
  type    = string
  default = "5f0b4bd2-8a47-4c11-9b1e-6a0d3e2c7f90"
}

variable "allowed_projects" {
  type = set(string)
  default = [
    "05041fffa40025702fcdc009d5a1b3c1",
    "7d2a4c1e9b8f4a6d8e5c3b1a0f9e8d7c",
  ]
}

check "golden_image_sharing" {
  data "ims_image_members" "golden" {
    image_id = var.golden_image_id
  }

  assert {
    condition = alltrue([
      for m in data.ims_image_members.golden.members :
      m.member_type == "project" && contains(var.allowed_projects, m.member_id)
    ])
    error_message = "The golden image is shared outside the allow-list: ${join(", ", [for m in data.ims_image_members.golden.members : m.member_id if !contains(var.allowed_projects, m.member_id)])}."
  }

  assert {
    condition     = alltrue([for m in data.ims_image_members.golden.members : m.status == "accepted"])
    error_message = "Some shares of the golden image are not accepted yet."
  }
}

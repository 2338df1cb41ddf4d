# The members of several images at once.
variable "images" {
  type = map(string)
  default = {
    app    = "370befec-a369-475e-a224-44a45927a8fe"
    golden = "5f0b4bd2-8a47-4c11-9b1e-6a0d3e2c7f90"
    base   = "9c4e2a71-3d5b-4f86-a0c2-e17b58d9f634"
  }
}

data "ims_image_members" "each" {
  for_each = var.images
  image_id = each.value
}

output "member_counts" {
  value = { for name, d in data.ims_image_members.each : name => length(d.member_ids) }
}

# Consume, with the recipient's credentials: accept every image that a
# trusted factory project shares with this project, and output the newest
# one. The for_each covers pending and accepted shares alike, so that an
# image accepted by this apply stays in it (and is not rejected by the
# next); a share someone rejected on purpose is left alone.
variable "factory_project_id" {
  type    = string
  default = "0a1b2c3d4e5f4a5b8c7d6e5f4a3b2c1d"
}

data "ims_incoming_image_shares" "factory" {
  owner = var.factory_project_id
}

resource "ims_image_share_accepter" "from_factory" {
  for_each = toset([for img in data.ims_incoming_image_shares.factory.images : img.image_id if img.status != "rejected"])
  image_id = each.key
}

data "ims_incoming_image_shares" "newest" {
  owner       = var.factory_project_id
  most_recent = true
}

output "accepted" {
  value = [for a in ims_image_share_accepter.from_factory : a.image_id]
}

output "newest_image_id" {
  value = one(data.ims_incoming_image_shares.newest.ids)
}

# Share an image with exactly these projects and this account. A member
# added in the console shows as a planned removal, one removed as a planned
# re-add; apply puts the sharing back.
resource "ims_image_share" "golden" {
  image_id = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
  projects = [
    "05041fffa40025702fcdc009d5a1b3c1",
    "7d2a4c1e9b8f4a6d8e5c3b1a0f9e8d7c",
  ]
  domains = ["2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d6e"]

  timeouts {
    create = "10m"
  }
}

output "shared_with" {
  value = { for m in ims_image_share.golden.members : m.member_id => m.status }
}

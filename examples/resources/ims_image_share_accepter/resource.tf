# Run with the recipient's credentials: accept an image another project
# shared with this one. Destroying the resource rejects the image.
resource "ims_image_share_accepter" "offered" {
  image_id = "e8d4c2b3-7f60-4b9c-8d1e-2f3a4b5c6d7e"
  status   = "accepted"
}

output "accepted_as" {
  value = ims_image_share_accepter.offered.member_id
}

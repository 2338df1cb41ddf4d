# One member of an image, non-authoritatively: this configuration adds and
# removes only its own project, whatever else the image is shared with.
# An image factory's golden image, for example, shared by each consuming
# team's own configuration:
#
#   factory/   shares nothing itself, or uses ims_image_share_member too
#   team-a/    resource "ims_image_share_member" "a" { project_id = "<team A>" }
#   team-b/    resource "ims_image_share_member" "b" { project_id = "<team B>" }
#
# Never put an ims_image_share on the same image: it removes every member
# it does not name, these included.
resource "ims_image_share_member" "team_a" {
  image_id   = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
  project_id = "05041fffa40025702fcdc009d5a1b3c1"
}

resource "ims_image_share_member" "partner" {
  image_id  = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
  domain_id = "2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d6e"

  timeouts {
    create = "10m"
    delete = "10m"
  }
}

output "team_a_status" {
  # pending until team A accepts the image (ims_image_share_accepter).
  value = ims_image_share_member.team_a.status
}

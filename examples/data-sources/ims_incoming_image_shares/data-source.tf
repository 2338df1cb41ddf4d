# With the recipient's credentials: the newest image named golden-* that
# another project shares with this one, whatever its status here.
data "ims_incoming_image_shares" "golden" {
  name_regex  = "^golden-"
  most_recent = true
}

output "golden_image_id" {
  value = one(data.ims_incoming_image_shares.golden.ids)
}

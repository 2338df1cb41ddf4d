# Every image of the project shared with at least one member, with all its
# members; here only those shared with an account (domain) that is pending.
data "ims_image_shares" "pending_accounts" {
  member_type = "domain"
  status      = "pending"
}

output "images_awaiting_an_account" {
  value = {
    for img in data.ims_image_shares.pending_accounts.images :
    img.name => [for m in img.members : m.member_id if m.member_type == "domain" && m.status == "pending"]
  }
}

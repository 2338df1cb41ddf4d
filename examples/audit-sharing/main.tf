# Audit: no image of this project may be shared outside the provider's
# sharing policy (providers.tf). The check reads the project's whole
# sharing on every plan and apply, and warns naming each image and member
# outside the policy: a failed assertion is a warning, and fails
# `terraform test`. When the data source itself fails (IMS unreachable, a
# permission missing), the check reports that as a warning too and the
# apply goes on: a check never blocks an apply, so read its warnings.
check "sharing_policy" {
  data "ims_image_shares" "all" {}

  assert {
    condition = length(data.ims_image_shares.all.members_outside_policy) == 0
    error_message = "Shared outside the sharing policy: ${join("; ", [
      for m in data.ims_image_shares.all.members_outside_policy : "image ${m.image_id} with ${m.member_type} ${m.member_id}"
    ])}."
  }
}

# Adopt on any CLI (Terraform >= 1.7, OpenTofu >= 1.7): one import block and
# one ims_image_share per shared image, from the project's inventory. The
# first plan shows only imports; apply writes nothing to IMS; the next plan
# is empty. From then on the sharing is guarded: a change in the console
# shows in plan.
data "ims_image_shares" "existing" {
  # The images to adopt; leave image_ids out to adopt every shared image.
  image_ids = [
    "370befec-a369-475e-a224-44a45927a8fe",
    "5f0b4bd2-8a47-4c11-9b1e-6a0d3e2c7f90",
  ]
}

locals {
  shared = { for img in data.ims_image_shares.existing.images : img.image_id => img }
  # Each kind of member, null when the image has none (as the resource
  # reads it back).
  kinds = {
    for id, img in local.shared : id => {
      projects      = [for m in img.members : m.member_id if m.member_type == "project"]
      domains       = [for m in img.members : m.member_id if m.member_type == "domain"]
      organizations = [for m in img.members : coalesce(m.urn, m.member_id) if m.member_type == "organization"]
    }
  }
}

import {
  for_each = local.shared
  to       = ims_image_share.adopted[each.key]
  id       = each.key
}

resource "ims_image_share" "adopted" {
  for_each      = local.kinds
  image_id      = each.key
  projects      = length(each.value.projects) > 0 ? each.value.projects : null
  domains       = length(each.value.domains) > 0 ? each.value.domains : null
  organizations = length(each.value.organizations) > 0 ? each.value.organizations : null
}

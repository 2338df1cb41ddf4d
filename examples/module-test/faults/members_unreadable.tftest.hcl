# Run with the "members" fault switched on through the emulator's admin API
# (see the README):
#
#   curl -fsS -X POST -H "Authorization: Bearer $IMS_EMULATOR_ADMIN_TOKEN" \
#     -d '{"operation": "members", "fault": "forbidden"}' "$IMS_EMULATOR_URL/_emulator/faults"
#   terraform test -test-directory=faults
#
# The module's check must fail (a warning, not an error): the plan still
# goes through while IMS refuses to list the image's members.
provider "ims" {
  region = "cn-north-4"
}

variables {
  image_id  = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
  consumers = ["05041fffa40025702fcdc009d5a1b3c1"]
}

run "members_unreadable_warns" {
  command = plan

  expect_failures = [check.members_readable]
}

# The provider block that points the official provider at the emulator,
# started with `ims-emulator -addr 127.0.0.1:8787 -fixtures world.json
# -env-file emulator.env` (HW_ACCESS_KEY, HW_SECRET_KEY and HW_REGION_NAME
# come from the env file).
provider "huaweicloud" {
  region                  = "cn-north-4"
  auth_url                = "http://127.0.0.1:8787/v3"
  skip_check_website_type = true
  endpoints = {
    iam = "http://127.0.0.1:8787/"
    ims = "http://127.0.0.1:8787/"
  }
}

variables {
  image_id  = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
  consumers = ["05041fffa40025702fcdc009d5a1b3c1"]
}

run "shares_with_every_consumer" {
  assert {
    condition     = toset(output.shared_with) == toset(var.consumers)
    error_message = "the image is not shared with exactly the consumers"
  }
}

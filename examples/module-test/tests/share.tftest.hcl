provider "ims" {
  region = "cn-north-4"
}

variables {
  image_id  = "d7c3b1a2-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
  consumers = ["05041fffa40025702fcdc009d5a1b3c1"]
}

run "shares_with_every_consumer" {
  assert {
    condition     = output.pending == ["05041fffa40025702fcdc009d5a1b3c1"]
    error_message = "the image is not shared, pending, with exactly the consumers"
  }
}

# `docker buildx bake` builds the targets of this file; with no name given, the group "default",
# or the only target there is.
target "app" {
  context = "."
  tags    = ["example/bake-app:dev"]
}

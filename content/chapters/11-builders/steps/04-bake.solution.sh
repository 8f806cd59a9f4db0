cat > docker-bake.hcl <<'HCL'
variable "TAG" {
  default = "dev"
}

group "default" {
  targets = ["app", "flavours"]
}

target "_common" {
  context = "."
  args    = { GREETING = "Hello from a bake file" }
}

target "app" {
  inherits = ["_common"]
  tags     = ["example/bake-app:${TAG}"]
}

target "flavours" {
  inherits = ["_common"]
  name     = "app-${flavour}"
  matrix   = { flavour = ["plain", "loud"] }
  args     = { FLAVOUR = flavour }
  tags     = ["example/bake-app:${TAG}-${flavour}"]
}
HCL
docker buildx bake --print
TAG=1.0 docker buildx bake

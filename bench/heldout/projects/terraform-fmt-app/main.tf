variable "replicas" {
  type = number
  default = 2
}

locals {
  labels = {
    app = "api"
      tier  = "backend"
  }
}

output "replicas" {
  value = var.replicas
}

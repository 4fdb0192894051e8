output "labels" {
    value = local.labels
}

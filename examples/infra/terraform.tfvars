cluster_name = "automatrix-prod"

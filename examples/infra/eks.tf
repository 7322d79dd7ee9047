resource "aws_eks_node_group" "main" {
  cluster_name    = var.cluster_name
  node_group_name = "${var.cluster_name}-general"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = aws_subnet.private[*].id
  instance_types  = ["m6i.large"]
  capacity_type   = "ON_DEMAND"

  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 2
  }
}

resource "aws_eks_node_group" "ai" {
  cluster_name    = var.cluster_name
  node_group_name = "${var.cluster_name}-ai-processing"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = aws_subnet.private[*].id
  instance_types  = ["g5.xlarge"]
  capacity_type   = "ON_DEMAND"

  taint {
    key    = "workload"
    value  = "ai-processing"
    effect = "NO_SCHEDULE"
  }

  scaling_config {
    desired_size = 1
    max_size     = 4
    min_size     = 1
  }
}

resource "aws_iam_role" "node" {
  name = "${var.cluster_name}-node"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

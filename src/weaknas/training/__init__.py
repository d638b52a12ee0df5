"""Real training objectives: build a searched architecture and train it (needs PyTorch)."""

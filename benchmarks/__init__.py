"""Speed, scale and resilience benchmarks for nsaudit (``python -m benchmarks.run``)."""

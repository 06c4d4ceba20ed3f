"""Theory-vs-simulation overlays, agreement metrics, paper figures and the command line."""

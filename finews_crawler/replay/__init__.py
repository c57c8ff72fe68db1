"""The replay site: the source served from the corpus on loopback, for the demo, the tests and bench/."""

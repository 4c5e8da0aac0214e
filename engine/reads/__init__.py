"""What officials read, each function applying the access policy itself; the web layers call only these."""

"""Fault and load tests: real server processes killed, cut off from their database, short
of disk, and under concurrent load."""

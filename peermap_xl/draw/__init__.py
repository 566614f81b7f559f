"""Pictures: the network map and the young person's own map (Appendix B)."""

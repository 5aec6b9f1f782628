"""Loaders: run folders and logs in, tidy frames out."""

from vegafigs.io.kl_runs import KLRuns, load_kl_runs

__all__ = ["KLRuns", "load_kl_runs"]

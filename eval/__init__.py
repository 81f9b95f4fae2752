"""Scripted question sets and their metrics (never `import eval`: it shadows a builtin)."""

"""Casework: cases, stages, partner decisions and the working-day clock."""

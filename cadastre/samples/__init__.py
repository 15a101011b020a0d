"""Loading the generated sample ward into the register."""

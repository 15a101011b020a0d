"""The interface: dialogs and docks (widgets only; what they show comes from core/ and logic/)."""

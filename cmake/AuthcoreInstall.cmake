# Install rules; filled out by the packaging work (DESIGN §1).

"""The contract: the sheets and columns users type into (schema), the domain's words (domain), the errors,
the progress protocol, and did-you-mean (suggest). The first stage: it imports nothing of peermap_xl."""

"""What turns a possible security indicator into a clear one, or rules it out (see
security_words.py): context, credentials given, lockouts, denials."""

# Pairs that mean nothing without their context ("I logged into the portal from the link"):
# never a question on their own.
CONTEXT_ONLY = {"fake sign in page", "former staff access", "data leaving"}

# A possible indicator becomes a clear one with its context: credentials typed into something that
# looked wrong, data leaving with someone on their way out, a lost device holding data.
SECURITY_CONTEXT = {
    "unknown device": {"someone", "cleaner", "stranger", "visitor", "saw", "unknown", "whose",
                       "guy", "man", "woman", "contractor", "leave", "left", "nobody", "back"},
    "encryption": {"readme", "read", "note", "pay", "bitcoin", "contact", "instructions",
                   "desktop", "ransom", "every", "all", "everything", "key", "decrypt"},
    "payment fraud": {"guests", "customers", "several", "another", "multiple", "booking",
                      "website", "site", "online", "same", "twice", "others", "different",
                      "slightly", "fake", "spoofed", "lookalike", "wrong", "unusual", "strange",
                      "changed", "never"},
    "payment change": {"gmail", "texted", "text", "asked", "asking", "request", "requested",
                       "never", "wasn't", "fake", "urgent", "outside", "personal", "weird"},
    "account takeover": {"account", "vacation", "didn't", "never", "weird", "strange", "all",
                         "docusign", "phishing", "spam", "hacked", "leave", "holiday"},
    "impersonation": {"cards", "card", "gift", "payment", "pay", "paid", "wire", "money", "bank",
                      "invoice", "codes", "numbers", "bought", "buy", "transfer", "dollars"},
    "credentials": {"email", "link", "page", "website", "site", "fake", "looked", "weird", "off",
                    "rang", "called", "claiming", "call",
                    "strange", "suspicious", "popup", "pop", "form", "realised", "realized",
                    "phishing", "docusign", "shared", "document"},
    "data leaving": {"outside", "external", "never", "unknown", "stranger", "notice", "leaving", "quit", "resigned", "fired", "last", "usb", "personal",
                     "gmail", "dropbox", "home", "competitor", "onto", "departing"},
    "fake sign in page": {"fake", "strange", "weird", "wrong", "spelled", "misspelled", "odd",
                          "thought", "realised", "realized", "phishing", "suspicious", "dodgy",
                          "lookalike", "spelt"},
    "former staff access": {"left", "fired", "let", "quit", "resigned", "former", "leaving",
                            "notice", "terminated", "departed", "ex"},
    "lost device": {"logged", "signed", "account", "data", "files", "client", "clients", "patient", "patients", "customer",
                    "customers", "email", "records", "case", "confidential", "texts",
                    "unencrypted", "passwords", "spreadsheets", "details", "documents", "work"},
}

# A password typed or given: a security incident when it went into something that looked wrong.
CREDENTIALS_GIVEN = ["typed my password", "typed in my password", "entered my password",
                     "put my password", "put in my password", "gave my password",
                     "typed her password",
                     "typed his password", "entered her password", "entered his password",
                     "entered our password", "typed our password", "entered the code",
                     "entered my login", "put my login", "entered my details", "typed my details",
                     "signed in again", "logged in again"]

# ...and nothing at all when it was just typed wrong.
LOCKOUT = {"wrong", "wrongly", "incorrect", "incorrectly", "forgot", "forgotten", "times",
           "expired", "reset", "caps"}

# Said with an account, admin or user in the same turn: nobody knows where it came from.
UNKNOWN_ORIGIN = ["none of us set up", "nobody set up", "we didn't set up", "i didn't set up",
                  "didn't create", "nobody created", "none of us created", "don't recognise",
                  "don't recognize", "doesn't recognise", "never seen before", "nobody recognises",
                  "nobody recognizes", "nobody knows who", "don't know who made", "never heard of",
                  "don't know who that is", "no idea who", "not one of ours", "isn't one of ours",
                  "doesn't belong", "wasn't us", "none of us added", "nobody added",
                  "who set that up", "who set it up", "don't know who set", "nobody knows whose",
                  "no one knows whose", "don't know whose", "not ours", "isn't ours",
                  "don't recognise it", "nobody recognises it", "nobody recognizes it",
                  "don't know who created", "that nobody made", "none of us made",
                  "nobody here knows", "nobody knows", "none of us know", "nobody made",
                  "nobody here made", "none of us recognise", "none of us recognize"]

ACCOUNT_WORDS = {"admin", "administrator", "account", "accounts", "user", "users", "login",
                 "mailbox", "global", "licence", "license", "folder", "rule", "rules", "emails",
                 "forwarding", "device", "box", "plugged", "jack", "network", "router", "cable",
                 "dongle", "gadget"}

# A security tool's finding that names itself low-grade: a warning for the morning, no incident.
LOW_THREAT = ["potentially unwanted", "unwanted program", "unwanted programs", "pup", "adware",
              "toolbar", "tracking cookie", "tracking cookies"]

# Could be security, could be nothing: ask whether anyone typed, approved or let someone connect.
SECURITY_MAYBE = [
    "strange text", "odd text", "strange message", "weird message", "saying they're the",
    "says they're the", "saying it's from", "claiming they're", "pretending", "impersonating",
    "hacked", "hack", "hacker", "hackers", "phishing", "phish", "scam", "scammer", "scammed",
    "suspicious", "virus", "pop up", "pop ups", "popup", "popups", "clicked a link",
    "clicked the link", "clicked on a link", "clicked on the link", "clicked a bad link",
    "clicked on", "opened an attachment", "opened the attachment", "weird email", "weird emails",
    "strange email", "strange emails", "spam", "spoofed", "spoofing", "impersonating", "fake email",
    "weird text", "someone called", "bad link", "sketchy", "cyber", "teamviewer", "anydesk",
    "fake invoice", "fake invoices", "fake vendor", "infected", "call microsoft",
    "call a number", "call this number", "call the number", "toll free",
    "screenconnect", "logmein", "got hacked", "quick assist",
    "were hacked", "was hacked", "has been hacked", "hacked into", "pretending to be",
    "claiming to be", "claimed to be", "posing as", "forwarded to",
    "security alert", "password was changed",
    "changed my password", "leaving the company", "left the company",
    "fired", "disgruntled", "ex employee", "former employee", "bitcoin", "let go",
]

# The caller already says nobody engaged ("I didn't click it, I just deleted it").
SECURITY_DENIED = [
    "not to click", "knows not to", "just flagging", "just reporting", "don't click",
    "turned up", "found it", "we found it", "false alarm", "nothing to worry about",
    "it was me", "that was me", "it was us", "never mind",
    "didn't click", "did not click", "never clicked", "nobody clicked", "didn't open it",
    "didn't open the", "didn't type", "didn't enter", "didn't give", "nobody typed",
    "nobody entered", "deleted it", "just deleted", "didn't reply", "didn't respond",
    "nothing was clicked", "just spam", "only spam", "it's spam", "just junk", "junk mail",
    "didn't approve", "denied it", "declined it", "didn't let", "hung up on",
]

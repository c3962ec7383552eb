"""The fallback triage's built-in vocabulary: how after-hours callers describe IT trouble.

Lowercase phrases, matched as whole words. Runbooks add their own (rule `keywords`).
"""

SECURITY = [
    "ransomware", "ransom", "files are encrypted", "files encrypted", "everything is encrypted",
    "our files are encrypted", "weird extension", "pay bitcoin", "bitcoin", "hacked", "hacker",
    "breach", "phishing", "phish", "bad link", "clicked a link", "clicked on a link",
    "clicked a bad link", "suspicious link", "fake login", "typed my password in", "malware",
    "virus", "trojan", "spyware", "compromised", "suspicious login", "logged into my email from",
    "logged in from", "someone logged in", "someone is in her mailbox", "someone is in his mailbox",
    "someone is in my mailbox", "in her mailbox", "mfa prompts", "prompts on my phone that i didn't",
    "didn't ask for", "stolen", "lost my laptop", "data leak", "leaked", "outside the company",
    "wrong person", "wire transfer", "fake vendor", "fake invoice", "gift cards", "enable macros",
    "usb stick", "usb drive", "call microsoft", "remote access scam", "weird emails from our",
    "emails from our office account", "pay an invoice",
]

OUTAGE = [
    "down", "outage", "offline", "is out", "are out", "went out", "power cut", "power outage",
    "not working", "isn't working", "is not working", "aren't working", "are not working",
    "stopped working", "doesn't work", "don't work", "does not work", "do not work", "won't work",
    "no network", "no internet", "no connection", "no dial tone", "no email", "no power",
    "dead", "crashed", "crashing", "keeps crashing", "won't start", "won't boot",
    "won't turn on", "won't open", "won't load", "won't let", "won't log in", "won't connect",
    "not connecting", "isn't connecting", "can't connect", "cannot connect", "can't reach",
    "cannot reach", "can't access", "cannot access", "can't get in", "can't get into",
    "cannot get in", "can't log in", "cannot log in", "can't login", "locked out", "can't open",
    "cannot open", "can't work", "cannot work", "nothing works", "nothing loads",
    "nothing is syncing", "not syncing", "not loading", "can't load", "cannot load", "can't pick",
    "can't print", "cannot print", "can't send", "can't ship", "can't take payments",
    "can't see patients", "can't call", "can't clock in", "can't book", "not responding",
    "unreachable", "failed", "broken", "nobody can", "no one can", "none of us can",
    "is off", "might be off", "turned off", "no longer", "stopped coming in", "isn't showing",
    "not showing", "isn't taking", "not taking", "domain isn't available", "says disconnected",
    "blank", "jammed", "paper jam", "jam", "cracked", "acting weird", "acting strange",
    "read only", "stuck", "keys don't work", "can't hear me",
]

SCALE = [
    "everyone", "everybody", "anyone", "anybody", "nobody", "no one", "none of", "all of us",
    "all staff", "all users", "all our", "all the", "all of the", "all three", "all four",
    "all clinics", "all sites", "all locations", "all computers", "any of the", "every computer",
    "every user", "every screen", "any computer", "whole office", "entire office", "whole company",
    "entire company", "whole team", "whole clinic", "whole floor", "whole site", "entire site",
    "company-wide", "company wide", "site-wide", "site wide", "both offices", "multiple users",
    "several people", "half the", "patients can't", "drivers can't", "customers can't",
    "trucks", "the floor", "everything", "everywhere", "any clinic", "no clinic",
]

# Systems whose failure stops a business whatever the runbook says; runbooks add their own.
CRITICAL = ["server", "domain", "phones", "phone system", "payroll", "the network",
            "main network", "email server", "all email", "edi"]

ONE_USER = [
    "my computer", "my laptop", "my pc", "my desktop", "my mouse", "my keyboard", "my monitor",
    "my second monitor", "my screen", "my printer", "my headset", "my phone", "my account",
    "my password", "my email", "my vpn", "my outlook", "my excel", "from my computer",
    "on my computer", "one of the", "the printer", "printer", "label printer", "toner",
    "paper jam", "a spreadsheet", "just me", "only me", "the tablet", "my desk", "for me",
]

# Others are fine: the problem is local to one user or one device.
OTHERS_FINE = ["everyone else can", "other people can", "the other ones are fine",
               "others are fine", "others are ok", "my coworker is", "coworkers can",
               "the others are ok", "is fine", "are fine", "seems ok", "seem ok", "is ok"]

# One thing of many: "one of the scanners" is a device, even where scanners are critical.
ONE_OF = ["one of the", "a single", "one scanner", "one computer", "one laptop", "one printer"]

# A team, a shift or a department: more than one user, less than the business.
GROUP = ["team", "department", "in finance", "in hr", "billing", "shift", "finance team"]

# Consumables: a supply request, never an outage.
SUPPLIES = ["toner", "out of paper", "ink", "cartridge", "staples"]

# One site or one group of several (a P2 for a multi-site customer).
ONE_SITE = ["just riverside", "only riverside", "just oak park", "only oak park", "just main street",
            "only main street", "only one clinic", "one clinic", "one site", "one office",
            "just dock", "only dock", "just that dock", "one branch", "only one branch",
            "just one branch", "only the", "just the", "only at"]

DEGRADED = ["slow", "really slow", "very slow", "falling behind", "takes like", "lagging",
            "intermittent", "sometimes", "keeps dropping"]

WARNING = ["still works", "still working", "still running", "everything still works",
           "everything's still running", "backup failed", "warning", "almost full", "low on",
           "just wanted someone to know", "beeping"]

REQUEST = ["can you set up", "set up her", "set up his", "new hire", "starting monday",
           "can i get", "could i get", "how do i", "is there a way", "question", "wondering",
           "when do", "copy of", "invoice from you", "is that something you handle",
           "change the default", "request", "a bigger monitor", "reset my password"]

# The caller says it can wait. Never lowers a P1: a calm caller with a severe problem is still P1.
DEFER = ["no rush", "can wait", "it can wait", "can probably wait", "not urgent",
         "not an emergency", "no emergency", "tomorrow is fine", "in the morning",
         "tomorrow morning", "whenever", "low priority", "i'll leave it overnight", "until tomorrow",
         "nobody's in", "nobody is in",
         "leave it overnight", "no big deal", "plenty of spares", "just a question"]

TIME_PRESSURE = ["patients at", "before a board", "board call", "payroll night", "get paid",
                 "month end", "trucks waiting", "trucks are waiting", "tonight", "at 6am", "at 7am",
                 "opening", "we can't ship", "can't take payments"]

# Clauses containing these describe what is NOT affected.
FINE = ["is fine", "are fine", "are ok", "is ok", "seems ok", "seem ok", "seems fine", "are okay",
        "is okay", "else can", "other people can", "my coworker is"]

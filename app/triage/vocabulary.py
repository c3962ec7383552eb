"""The fallback triage's built-in vocabulary: how after-hours callers describe IT trouble (what
stopped, what it stops, whether anyone needs it tonight). Security words are in
security_words.py, words of scope in scope_words.py.

Lowercase phrases, matched as whole words ("can't" also matches "cant" and "cannot"). Nothing here
names a customer, a site or a person: runbooks add their own words (rule `keywords`, `hints`,
`context`, `aliases`).
"""

# A room or a machine in danger: the outage hasn't happened yet, but will before the morning.
RISK = ["overheating", "too hot", "really hot", "getting hot", "getting hotter", "degrees",
        "smoke", "smoking", "burning smell", "smells like burning", "water leak", "leaking",
        "flooding", "flooded", "water on the floor", "water coming", "sparks", "fire alarm",
        "ac is out", "air conditioner", "air conditioning", "ac unit", "cooling", "air con",
        "aircon", "warm in there", "hot in there", "getting warm"]
RISK_PLACES = {"server", "servers", "rack", "closet", "cabinet", "comms", "network", "switch",
               "equipment", "datacenter", "ups"}


# --- outage: something people need isn't working -------------------------------------------
OUTAGE = [
    "down", "outage", "offline", "is out", "are out", "went out", "power cut", "power outage",
    "power's out", "power is out", "not working", "isn't working", "aren't working",
    "stopped working", "quit working", "doesn't work", "don't work", "won't work",
    "no network", "no internet", "no connection", "no dial tone", "no email", "no power",
    "no signal", "no wifi", "no wi fi", "no service", "no access", "dead", "crashed", "crashing",
    "keeps crashing", "won't start", "won't boot", "won't turn on", "won't open", "won't load",
    "won't let", "won't log in", "won't connect", "won't sync", "won't print", "won't swipe",
    "won't read", "won't accept", "not connecting", "isn't connecting", "can't connect",
    "can't reach", "can't access", "can't get in", "can't get into", "can't log in",
    "can't login", "can't sign in", "locked out", "can't open", "can't work", "nothing works",
    "nothing loads", "nothing is syncing", "not syncing", "not loading", "can't load",
    "can't pick", "can't print", "can't send", "can't ship", "can't take", "can't see",
    "can't call", "can't clock in", "can't book", "can't check in", "can't check out",
    "can't scan", "can't process", "can't run", "can't use", "can't get", "can't badge",
    "not responding", "unreachable", "failed", "broken", "nobody can", "none of us can",
    "is off", "might be off", "turned off", "no longer", "stopped coming in", "isn't showing",
    "not showing", "isn't taking", "not taking", "isn't accepting", "not accepting",
    "isn't available", "not available", "says disconnected", "disconnected", "blank", "jammed",
    "paper jam", "jam", "cracked", "acting weird", "acting strange", "read only", "stuck",
    "keys don't work", "can't hear", "not reading", "isn't reading", "declined", "declining",
    "overheating", "too hot", "really hot", "getting hot", "ac is out", "ac died",
    "ac stopped", "ac quit", "error", "errors", "frozen", "nothing is working", "stopped", "quit",
    "no line", "no phone line", "account disabled", "disabled", "access denied", "invalid license", "license expired",
    "acting up", "playing up", "misbehaving", "glitching", "not behaving", "on the fritz",
    "having issues", "having problems", "problems with", "issues with", "trouble with",
    "is gone", "are gone", "has gone", "gone down", "went dead", "garbage", "gibberish", "garbled", "nonsense", "weird characters", "lost the network",
    "lost network", "lost internet", "lost the internet", "lost connection", "lost power",
    "lost the connection", "lost our", "lost the phones", "lost wifi", "lost email",
    "lost access", "lost all", "connection lost", "locked myself out", "locked me out",
    "spinning wheel", "spinning", "loading forever", "black screen", "blue screen",
    "died", "broke", "froze", "fried", "dropped", "no response", "not responding",
    "nothing's working", "won't come on", "won't come up", "no sound", "no picture",
    "went off", "are off", "all off", "still off", "power's off", "power off", "cut out",
    "lost their", "lost its", "gone dark", "went dark", "no power", "no reading",
    "no readings", "not reporting", "isn't reporting", "stopped reporting", "no data",
    "no computers", "no records", "no systems", "no phones", "no tills",
]

# The thing still works, or nothing is affected: a warning, not an outage.
HEALTHY = [
    "still works", "still working", "still running", "still up", "still online",
    "everything works", "everything is working", "everything's working", "everything still works",
    "everything's still running", "everything is fine", "everything's fine", "working fine",
    "works fine", "running fine", "running ok", "failed over", "fail over", "switched over",
    "on the backup", "backup line", "backup connection", "backup internet", "nobody noticed",
    "no impact", "nothing is down", "nothing's down", "not affecting", "isn't affecting",
    "hasn't affected", "doesn't affect", "no one is affected", "nobody is affected",
    "came back", "back up now", "it's back", "working again", "seems to be working",
    "picked up", "took over", "secondary one", "the secondary", "browse fine", "i can browse",
    "keeping up", "we're managing", "we can manage", "we're coping", "workaround",
    "we can still", "can still take", "still take orders", "it's just the display",
    "we'll manage", "we will manage", "we have another", "we have a spare", "use the other one",
    "swapped to the spare", "switched to the spare", "using the spare", "we have spares",
    "swapped it", "swapped to", "using station", "using another", "next to it", "moved to another",
    "moved over to", "switched to another",
    "using the other", "we can use", "there's another", "still talking", "work fine",
    "working fine",
    "don't need it", "doesn't need it", "not needed", "nobody needs it", "nobody needs that",
    "spares", "a spare", "the spare", "nothing else is wrong", "nothing else wrong",
    "so it's fine", "still go through", "still going through", "work offline", "works offline",
    "on paper",
]

# Nobody needs the thing before the morning.
EMPTY = [
    "nobody's in", "nobody is in", "nobody's here", "nobody's using", "nobody is using",
    "nobody's at", "nobody is at", "closed till", "closed until", "closed for", "it's closed",
    "nobody works in", "nobody works there", "nobody works at night", "nobody in there",
    "going home", "heading home", "all going home", "leaving for the night", "doesn't use",
    "don't use it", "doesn't use it", "nobody uses",
    "nobody there tonight",
    "not being used", "no events", "not in use", "nobody uses it", "shut for the", "nobody is here",
    "nobody's there", "nobody is there", "nobody working", "nobody's working", "nobody is working",
    "no one's in", "nobody here tonight", "empty office", "closed for the night", "closed tonight",
    "nobody needs", "office is empty", "office is closed", "building is empty", "we're closed",
    "we are closed", "we're closing", "everyone went home", "everyone's gone home",
    "everybody's gone home", "everybody went home", "everyone has gone home", "no staff",
    "until monday", "until tomorrow", "not until tomorrow", "not until the morning",
    "over the weekend", "nobody uses", "nobody will be in",
    "closed", "locking up", "closing up", "don't think anyone", "isn't anyone", "not anyone",
    "nobody at night", "nobody in there at night", "nobody's in there",
]

WARNING = [
    "drive error", "disk error", "hard drive error", "raid", "degraded array",
    "backup failed", "backups failed", "backup didn't run", "backup job", "backup error",
    "backup warning", "backup", "backups", "warning", "warnings", "almost full", "nearly full",
    "low on space", "running out of space", "low disk", "disk space", "beeping", "noise",
    "noisy", "clicking noise", "grinding", "making a noise", "making noise", "loud fan",
    "fan is loud", "amber light", "orange light", "red light", "blinking light", "light is on",
    "expires", "expiring", "certificate", "battery", "update failed", "updates failed",
    "just wanted someone to know", "just letting you know", "fyi", "heads up",
    "wanted to let you know", "just so you know", "for the morning", "logged for",
    "log it", "on the list", "so someone knows", "wanted it logged",
]

DEGRADED = ["slow", "really slow", "very slow", "sluggish", "falling behind", "takes like",
            "takes forever", "lagging", "laggy", "intermittent", "sometimes", "keeps dropping",
            "dropping", "choppy", "on and off", "comes and goes", "flickers", "flickering"]


# --- what it stops -----------------------------------------------------------------------------
# Systems whose failure stops most businesses; runbooks add their own.
CRITICAL = ["the system", "emergency phone", "lift phone", "elevator phone", "email", "e mail", "outlook", "exchange", "server", "servers", "domain", "phones",
            "phone system", "phone lines", "payroll",
            "the network", "network", "main network", "email server", "internet", "wifi",
            "wi fi", "erp", "ehr", "emr", "pos", "point of sale", "file server", "database",
            "firewall", "switch", "router", "edi", "citrix", "remote desktop", "terminal server",
            "server room", "air conditioning", "dial tone", "everything is down",
            "everything's down", "everything went down", "nothing works", "nothing is working",
            "nothing's working", "card machines", "card terminals",
            "payment terminals", "badge readers", "door access", "key cards", "keycards"]

# Business stopped or customers turned away, whatever the system is called.
IMPACT = [
    "can't work", "nobody can work", "can't do anything", "can't see patients", "can't ship",
    "can't load", "can't take payments", "can't take cards", "can't take card",
    "can't process payments", "can't check in", "can't check out", "can't get in the building",
    "can't get into the building", "locked out of the building", "can't open the doors",
    "doors won't open", "guests can't", "customers can't", "patients can't", "clients can't",
    "drivers can't", "residents can't", "students can't", "trucks waiting", "trucks are waiting",
    "trucks backed up", "backed up at", "queue of", "line of guests", "line of customers",
    "people waiting", "guests waiting", "customers waiting", "patients waiting", "for arrivals",
    "nothing ships", "nothing can ship", "nothing goes out", "nothing can go out",
    "trucks are here", "nothing is shipping", "without paying", "can't pay", "can't take payment",
    "can't charge", "turning away", "leave without", "can't admit", "can't treat",
    "can't pick", "nothing to pick", "dead in the water", "standstill", "shut down",
    "business is down", "losing money", "losing sales", "turning people away",
    "turning customers away", "sending people home", "can't open", "can't sell", "can't ring",
    "can't fill", "can't dispense", "can't book", "can't answer", "can't receive",
]

KEY_PERSON = ["owner", "ceo", "cfo", "coo", "president", "founder", "managing partner",
              "partner", "director", "the doctor", "dr", "vip", "the boss", "my boss",
              "executive", "only one who can", "only person who can",
              "supervisor", "night manager", "administrator on duty"]

# Before-the-morning deadlines: a problem that will stop work at opening or tonight.
TIME_PRESSURE = ["patients at", "before a board", "board call", "board meeting", "payroll night",
                 "payroll tonight", "get paid", "month end", "trucks waiting", "trucks are waiting",
                 "due tonight", "at 6am", "at 7am", "at 6 am", "at 7 am", "at 5am", "at 5 am",
                 "opening", "we open at", "we open in", "before we open",
                 "in an hour", "in two hours", "deadline", "due tonight", "due by", "surgery",
                 "due at", "by midnight", "at midnight", "due in", "brief due", "filing due",
                 "court filing", "before midnight", "starts at", "start at", "opens at",
                 "starts in", "service starts", "fixed tonight", "has to be fixed", "by law",
                 "legally", "needs fixing tonight",
                 "can't ship", "can't take payments", "check in", "arrivals", "before opening"]

# The caller guesses rather than states: no floor rests on a guess ("I think it's all down").
HEDGE = ["i think", "i guess", "maybe", "might be", "not sure", "probably", "seems like",
         "looks like", "i suppose", "could be", "i don't know if", "perhaps"]

# A backup someone is waiting on: its failure is no longer just a warning.
RESTORE = ["restore", "restored", "restoring", "recover", "recovered", "get it back",
           "get them back", "deleted by accident", "accidentally deleted", "deleted it by mistake"]

# --- asking, not reporting -----------------------------------------------------------------------
SUPPLIES = ["toner", "out of paper", "ink", "cartridge", "staples", "paper tray"]

REQUEST = ["can you set up", "set up her", "set up his", "set up a", "new hire", "starting monday",
           "can i get", "could i get", "how do i", "how can i", "is there a way", "question",
           "wondering", "when do", "copy of", "invoice from you", "is that something you handle",
           "change the default", "request", "a bigger monitor", "reset my password",
           "could someone", "can someone", "would like", "i'd like", "please add", "add a user",
           "new account", "quote", "order a", "need a new", "when are you open",
           "release an email", "from quarantine", "out of quarantine", "do you know",
           "when will", "can you tell me", "is it possible", "what time", "being installed"]

# The caller says it can wait. Never lowers a P1 or a security call.
DEFER = ["no rush", "can wait", "it can wait", "can probably wait", "not urgent", "isn't urgent",
         "not an emergency", "no emergency", "tomorrow is fine", "in the morning",
         "tomorrow morning", "whenever", "low priority", "i'll leave it overnight",
         "leave it overnight", "no big deal", "plenty of spares", "just a question",
         "don't wake", "no need to wake", "don't bother", "probably nothing", "not a big deal",
         "don't need anyone tonight", "first thing tomorrow", "monday is fine",
         "i'll deal with it", "deal with it tomorrow", "for tomorrow", "look at it tomorrow",
         "can look tomorrow", "sort it tomorrow", "sort it out tomorrow", "it's for tomorrow",
         "nothing urgent", "fine to look", "look tomorrow", "morning is fine", "fine tomorrow"]

# Clauses containing these describe what is NOT affected.
FINE = ["is fine", "are fine", "are ok", "is ok", "seems ok", "seem ok", "seems fine", "are okay",
        "is okay", "else can", "other people can", "my coworker is", "are working", "is working",
        "works fine", "are good", "is good", "still works", "still working", "aren't affected",
        "isn't affected", "not affected", "seem fine", "seem to be fine", "are running",
        "is running", "still running", "are up", "is up", "running fine"]

# "X isn't responding", "we can't cut keys": a negated verb is trouble, unless it's one of these.
NEGATIONS = {"isn't", "aren't", "won't", "can't", "doesn't", "don't", "wasn't", "weren't",
             "couldn't", "hasn't", "haven't", "wouldn't"}
NOT_TROUBLE_AFTER_NEGATION = {
    "know", "think", "want", "need", "mind", "care", "wake", "rush", "worry", "bother", "remember",
    "mean", "believe", "understand", "like", "recognise", "recognize", "matter", "seem", "a", "an",
    "the", "urgent", "sure", "really", "too", "that", "so", "very", "expect", "suppose", "click",
    "type", "enter", "approve", "give", "reply", "respond", "let", "affect", "affecting",
    "affected", "look", "be", "wait", "panic", "want", "feel", "notice", "recall",
    "an", "any", "anything", "exactly", "quite", "normally", "usually", "think", "set", "create",
    "expect", "blame", "do", "emergency", "big", "huge", "hurry", "bad", "much",
    "change", "use", "keep", "mind", "spam", "leave", "touch", "clicked", "given", "typed",
    "entered", "opened", "approved", "done", "seen", "got", "had", "heard", "signed", "gotten"}
# "pulling down folders", "coming down to complain": not an outage.
NOT_DOWN_AFTER = {"pulling", "pull", "pulled", "coming", "come", "came", "calm", "slow", "slowed",
                  "sit", "sat", "write", "wrote", "turn", "turned", "put", "upside", "back",
                  "scroll", "scrolled", "look", "narrow", "narrowed", "step", "stepped", "walk",
                  "walked", "run", "ran", "head", "headed", "jot", "settle",
                  "cut", "cool", "cooled", "calmed", "let", "knock", "knocked", "track", "hunt",
                  "bring", "brought", "send", "sent", "load", "up", "and", "lie", "lay", "took",
                  "take", "taken", "post", "shutting"}

# Impacts on the caller alone ("I can't work"): not the business stopping.
IMPACT_PERSONAL = {"can't work", "can't do anything", "can't open", "can't answer", "can't receive",
                   "can't book"}

# Already handled: the model may judge these (the guardrail holds no floor on them).
RESOLVED = ["already reset", "already changed my password", "already changed the password",
            "already wiped", "remotely wiped", "was wiped", "already handled", "already dealt with",
            "already sorted", "already fixed", "already reported", "you already", "already blocked",
            "already locked", "already disabled", "already cancelled", "already canceled",
            "bank already", "got the money back", "ticket open already"]

# "the cameras still show live", "lines still running": whatever else is wrong, it still works.
STILL_WORKING = {"see", "use", "access", "get", "reach", "works", "working", "running", "up", "online", "live", "show", "showing",
                 "recording", "printing", "connected", "going", "loading", "open", "opens",
                 "prints", "sends", "sending", "talking", "scanning", "shipping", "taking"}

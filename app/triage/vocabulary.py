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

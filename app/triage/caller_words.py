"""How callers say who needs it and when, hedge, defer, or say it is fine after all (the rest
of the fallback's vocabulary is in vocabulary.py). Lowercase phrases, matched as whole words."""

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

import FuzzSupport

fuzz(fuzzOne)

build/obj/policy/model.o: policy/model.c policy/policy.h
policy/policy.h:

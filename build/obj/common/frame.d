build/obj/common/frame.o: common/frame.c common/frame.h
common/frame.h:

build/obj/helper/main.o: helper/main.c
